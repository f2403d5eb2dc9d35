package io.gpux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gpux batch} as a user types it: the parent, its help, and lists that are refused. */
class BatchCommandTest {
  @TempDir Path dir;

  private CliResult run(String... args) {
    return CliResult.run(dir, Map.of("GPUX_HOME", dir.resolve("home").toString()), args);
  }

  @Test
  void batchAlonePrintsItsUsage() {
    CliResult r = run("batch");
    assertEquals(0, r.exitCode(), r.toString());
    assertTrue(r.out().startsWith("Usage: gpux batch"), r.toString());
    assertTrue(r.out().contains("pull"), r.toString());
    CliResult help = run("batch", "--help");
    assertEquals(0, help.exitCode(), help.toString());
    assertEquals(r.out(), help.out());
    CliResult pullHelp = run("batch", "pull", "--help");
    assertEquals(0, pullHelp.exitCode(), pullHelp.toString());
    assertTrue(pullHelp.out().startsWith("Usage: gpux batch pull"), pullHelp.toString());
    assertTrue(pullHelp.out().contains("--skip-invalid"), pullHelp.toString());
  }

  @Test
  void aListWithMalformedLinesIsRefusedNamingEachLine() throws Exception {
    Files.writeString(dir.resolve("models.txt"), "hf:acme/a\n\nhf:\n# c\nhf:acme/b hf:acme/c\n");
    CliResult r = run("batch", "pull", "-f", "models.txt");
    assertEquals(2, r.exitCode(), r.toString());
    assertTrue(
        r.err().startsWith("gpux: error: models.txt:3: 'hf:' is not a model reference: "),
        r.toString());
    assertTrue(r.err().contains("\nmodels.txt:5: 'hf:acme/b hf:acme/c'"), r.toString());
    assertTrue(r.err().contains("--skip-invalid"), r.toString());
    assertFalse(r.err().contains("Exception"), r.toString());
  }

  @Test
  void noModelsAndAMissingListAreBadInput() {
    CliResult none = run("batch", "pull");
    assertEquals(2, none.exitCode(), none.toString());
    assertTrue(none.err().startsWith("gpux: error: no models given\nhint: "), none.toString());
    CliResult missing = run("batch", "pull", "-f", "absent.txt");
    assertEquals(2, missing.exitCode(), missing.toString());
    assertTrue(
        missing.err().startsWith("gpux: error: no model list at absent.txt\n"), missing.toString());
  }
}
