package io.gpux.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
    assertTrue(d.forceToDisk(), "files are forced to disk unless asked otherwise");
    assertEquals(Path.of("/data/gpux"), of(Map.of("GPUX_HOME", "/data/gpux")).home());
    assertTrue(of(Map.of("GPUX_OFFLINE", "1")).offline());
    assertTrue(of(Map.of("GPUX_OFFLINE", "true")).offline());
    for (String off : new String[] {"0", "false", "NO", " 0 "}) {
      assertFalse(of(Map.of("GPUX_FSYNC", off)).forceToDisk(), off);
    }
    assertTrue(of(Map.of("GPUX_FSYNC", "1")).forceToDisk());
  }
}
