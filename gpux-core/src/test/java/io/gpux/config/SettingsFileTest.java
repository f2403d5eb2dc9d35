package io.gpux.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gpux.error.GpuxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GPUX_HOME/config.yml: read, merged under the environment, written back as it reads. */
class SettingsFileTest {
  @TempDir Path home;

  private static final String URL = "postgresql://gpux:pa ss\"#@db:5432/gpux?sslmode=require";

  @Test
  void theFileFillsWhatTheEnvironmentLeavesAndSaysWhereFrom() {
    SettingsFile.read(SettingsFile.of(home)).with("index.url", URL).write();
    GpuxSettings s = GpuxSettings.fromEnvironment(Map.of("GPUX_HOME", home.toString()), home);
    assertEquals(URL, s.env().get("GPUX_INDEX_URL"), "written and read back the same");
    assertEquals(
        "index.url in " + home.resolve("config.yml"),
        s.env().get(SettingsFile.ORIGIN + "GPUX_INDEX_URL"));
    assertEquals(
        home.resolve("config.yml").toString(), SettingsFile.effective(s.env()).get(0).source());
    // Set in the environment, even empty, the variable wins and nothing is marked.
    GpuxSettings env =
        GpuxSettings.fromEnvironment(
            Map.of("GPUX_HOME", home.toString(), "GPUX_INDEX_URL", ""), home);
    assertEquals("", env.env().get("GPUX_INDEX_URL"));
    assertFalse(env.env().containsKey(SettingsFile.ORIGIN + "GPUX_INDEX_URL"));
    assertEquals("environment", SettingsFile.effective(env.env()).get(0).source());
    assertEquals(
        "postgresql://gpux:***@db:5432/gpux",
        SettingsFile.redact("postgresql://gpux:x@db:5432/gpux"));
  }

  @Test
  void noFileNoSettingsAndAnEmptyValueIsUnset() throws Exception {
    assertTrue(SettingsFile.read(SettingsFile.of(home)).values().isEmpty());
    Files.writeString(SettingsFile.of(home), "# nothing yet\nindex:\n  url:\n");
    assertTrue(SettingsFile.read(SettingsFile.of(home)).values().isEmpty());
    Files.writeString(SettingsFile.of(home), "[1, 2]\n");
    GpuxException e =
        assertThrows(GpuxException.class, () -> SettingsFile.read(SettingsFile.of(home)));
    assertTrue(
        e.problem().endsWith("config.yml:1: the settings file must be a mapping (key: value)"),
        e.problem());
  }
}
