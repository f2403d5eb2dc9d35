package io.gpux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gpux.testing.OnnxModels;
import io.gpux.testing.wandb.FakeWandb;
import io.gpux.testing.wandb.WandbVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gpux pull/run/inspect/versions} of W&B artifacts, project and registry forms. */
class WandbPullTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String KEY = "local-cliTestKey0123456789abcdefghijklmnopqrstuv";
  @TempDir Path dir;

  @Test
  void pullRunInspectAndVersions() throws Exception {
    byte[] model = Files.readAllBytes(OnnxModels.addOne(dir.resolve("src/model.onnx")));
    try (FakeWandb wb = FakeWandb.start().requireApiKey(KEY)) {
      WandbVersion v =
          wb.artifact("acme", "mnist", "adder", "model")
              .file("model.onnx", model)
              .metadata("{\"accuracy\": 0.9}")
              .run("run42", "{\"lr\": 0.1}", "{\"loss\": 0.2}")
              .aliases("production")
              .commit();
      wb.organization("acme-org", "acme");
      wb.link(v, "acme-org", "model", "adder", "staging");
      Map<String, String> env = new HashMap<>();
      env.put("GPUX_HOME", dir.resolve("home").toString());
      env.put("WANDB_BASE_URL", wb.url());
      env.put("WANDB_API_KEY", KEY);

      CliResult pull =
          CliResult.run(dir, env, "pull", "wandb:acme/mnist/adder:production", "--json");
      assertEquals(0, pull.exitCode(), pull.toString());
      assertEquals("v0", MAPPER.readTree(pull.out()).get("version").asText());

      CliResult run =
          CliResult.run(
              dir,
              env,
              "run",
              "wandb:acme/mnist/adder:production",
              "--input",
              "{\"x\": [[1, 2, 3, 4]]}",
              "--json",
              "-q");
      assertEquals(0, run.exitCode(), run.toString());
      JsonNode out = MAPPER.readTree(run.out());
      assertTrue(out.size() > 0, run.out());

      CliResult reg =
          CliResult.run(
              dir, env, "pull", "wandb:acme-org/wandb-registry-model/adder:staging", "--json");
      assertEquals(0, reg.exitCode(), reg.toString());
      CliResult regRun =
          CliResult.run(
              dir,
              env,
              "run",
              "wandb:acme-org/wandb-registry-model/adder:staging",
              "--input",
              "{\"x\": [[1, 2, 3, 4]]}",
              "--json",
              "-q");
      assertEquals(0, regRun.exitCode(), regRun.toString());
      assertEquals(run.out(), regRun.out());

      CliResult inspect = CliResult.run(dir, env, "inspect", "wandb:acme/mnist/adder:production");
      assertEquals(0, inspect.exitCode(), inspect.toString());
      for (String s :
          List.of("run.id", "run42", "config.lr", "summary.loss", "metadata.accuracy")) {
        assertTrue(inspect.out().contains(s), s + " in\n" + inspect.out());
      }
      assertFalse(inspect.out().contains(KEY));
      assertFalse(inspect.out().contains("Hugging Face"), "a W&B model:\n" + inspect.out());
      assertTrue(inspect.out().contains("About:      W&B model acme/mnist/adder"), inspect.out());

      CliResult versions = CliResult.run(dir, env, "versions", "wandb:acme/mnist/adder", "--json");
      assertEquals(0, versions.exitCode(), versions.toString());
      JsonNode vs = MAPPER.readTree(versions.out());
      assertEquals("v0", vs.get(0).get("version").asText());
      assertTrue(vs.get(0).get("pulled").asBoolean());
      assertTrue(vs.get(0).get("description").asText().contains(v.digest()));
      assertEquals(List.of(), wb.unknownOperations());

      env.put("WANDB_API_KEY", "local-wrong0123456789abcdefghijklmnopqrstuvwxyz");
      CliResult denied =
          CliResult.run(dir, env, "pull", "wandb:acme/mnist/adder:production", "--force");
      assertNotEquals(0, denied.exitCode());
      assertTrue(denied.err().contains("rejected the API key"), denied.toString());
      assertFalse(denied.err().contains("wrong0123"), denied.toString());
    }
  }
}
