package io.gpux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A registry URL variable that is not a URL is bad input: one line naming it, exit 2. */
class RegistryUrlCliTest {
  @TempDir Path home;

  @ParameterizedTest
  @CsvSource({
    "HF_ENDPOINT, notaurl, hf:acme/digits",
    "MLFLOW_TRACKING_URI, notaurl, mlflow:digits/1",
    "WANDB_BASE_URL, notaurl, wandb:acme/mnist/digits:v0",
    "HF_ENDPOINT, http://user:hunter2@127.0.0.1:9, hf:acme/digits"
  })
  void aBadRegistryUrlIsOneLineAndExitTwo(String variable, String value, String reference) {
    CliResult r =
        CliResult.run(
            home,
            Map.of("GPUX_HOME", home.toString(), variable, value, "WANDB_API_KEY", "k"),
            "pull",
            reference);
    assertEquals(2, r.exitCode(), r.toString());
    List<String> errors = r.err().lines().filter(l -> l.startsWith("gpux: error: ")).toList();
    assertEquals(1, errors.size(), r.toString());
    assertTrue(errors.get(0).startsWith("gpux: error: " + variable), r.toString());
    assertFalse(r.err().contains("Exception") || r.err().contains("bug"), r.toString());
    assertFalse(r.err().contains("hunter2") || r.out().contains("hunter2"), r.toString());
    assertTrue(r.err().contains("hint: "), r.toString());
  }
}
