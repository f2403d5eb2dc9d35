package io.gpux.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gpux.error.GpuxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialsTest {
  @TempDir Path home;

  @Test
  void environmentWinsOverTheStoredToken() {
    Path file = home.resolve("credentials.json");
    new Credentials(Map.of(), file).store("hf", new Secret("stored-token"));
    Credentials withEnv = new Credentials(Map.of("HF_TOKEN", "env-token"), file);
    assertEquals("env-token", withEnv.token("hf", List.of("HF_TOKEN")).orElseThrow().reveal());
    Credentials withoutEnv = new Credentials(Map.of(), file);
    assertEquals(
        "stored-token", withoutEnv.token("hf", List.of("HF_TOKEN")).orElseThrow().reveal());
  }

  @Test
  void storedFileIsPrivate() throws Exception {
    Path file = home.resolve("credentials.json");
    new Credentials(Map.of(), file).store("hf", new Secret("t"));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
  }

  @Test
  void refusesAFileOthersCanRead() throws Exception {
    Path file = home.resolve("credentials.json");
    new Credentials(Map.of(), file).store("hf", new Secret("t"));
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    GpuxException e =
        assertThrows(
            GpuxException.class, () -> new Credentials(Map.of(), file).token("hf", List.of()));
    assertTrue(e.hint().contains("chmod 600"), e.hint());
    assertFalse(e.problem().contains("\"t\""));
  }

  @Test
  void logoutForgetsTheToken() {
    Path file = home.resolve("credentials.json");
    Credentials c = new Credentials(Map.of(), file);
    c.store("hf", new Secret("t"));
    assertTrue(c.remove("hf"));
    assertTrue(c.token("hf", List.of()).isEmpty());
    assertFalse(c.remove("hf"));
  }

  @Test
  void secretsNeverPrintTheirValue() {
    Secret s = new Secret("hf_abcdef123456");
    assertEquals("****", s.toString());
    assertFalse(String.valueOf(List.of(s)).contains("abcdef"));
  }
}
