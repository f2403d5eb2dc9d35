package io.gpux.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GpuxSettingsTest {
  private static GpuxSettings of(Map<String, String> env) {
    return GpuxSettings.fromEnvironment(env, Path.of("/home/u"));
  }

  @Test
  void defaultsAndOverrides() {
    GpuxSettings d = of(Map.of());
    assertEquals(Path.of("/home/u/.gpux"), d.home());
    assertFalse(d.offline());
    assertFalse(d.forceToDisk(), "durability is checked after a restart unless asked otherwise");
    assertEquals(Path.of("/data/gpux"), of(Map.of("GPUX_HOME", "/data/gpux/")).home());
    assertEquals(Path.of("/home/u/.gpux"), of(Map.of("GPUX_HOME", " ")).home(), "blank is unset");
    assertTrue(of(Map.of("GPUX_OFFLINE", "1")).offline());
    assertTrue(of(Map.of("GPUX_OFFLINE", "true")).offline());
    for (String on : new String[] {"1", "true", "ALWAYS", " 1 "}) {
      assertTrue(of(Map.of("GPUX_FSYNC", on)).forceToDisk(), on);
    }
    assertFalse(of(Map.of("GPUX_FSYNC", "0")).forceToDisk());
  }

  @Test
  void theSystemClockAndRealWaitsUnlessATestGivesItsOwn() {
    GpuxSettings d = of(Map.of("GPUX_OFFLINE", "1"));
    assertEquals(java.time.Clock.systemUTC(), d.clock());
    assertSame(io.gpux.transfer.Sleeper.REAL, d.sleeper());
    java.time.Clock fixed =
        java.time.Clock.fixed(java.time.Instant.EPOCH, java.time.ZoneOffset.UTC);
    io.gpux.transfer.Sleeper none = millis -> {};
    GpuxSettings t = d.withTime(fixed, none);
    assertEquals(fixed, t.clock());
    assertSame(none, t.sleeper());
    assertEquals(d.home(), t.home());
    assertTrue(t.offline());
    assertEquals(d.env(), t.env());
  }
}
