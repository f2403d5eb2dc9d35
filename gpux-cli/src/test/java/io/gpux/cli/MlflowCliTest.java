package io.gpux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gpux.testing.OnnxModels;
import io.gpux.testing.Slow;
import io.gpux.testing.mlflow.MlflowServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

/** gpux push → versions → pull → run → inspect against a real MLflow server, through the CLI. */
@Slow
class MlflowCliTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static MlflowServer server;
  @TempDir Path home;
  @TempDir Path cwd;

  /** The build's shared server; this class's model names (cli-*) are its own. */
  @BeforeAll
  static void start() throws Exception {
    server = MlflowServer.shared();
  }

  private CliResult gpux(String... args) {
    Map<String, String> env = new HashMap<>(server.clientEnv());
    env.put("GPUX_HOME", home.toString());
    return CliResult.run(cwd, env, args);
  }

  @Test
  void pushVersionsPullRunAndInspect() throws Exception {
    Path project = Files.createDirectories(cwd.resolve("adder"));
    OnnxModels.addOne(project.resolve("model.onnx"));
    CliResult push = gpux("push", "adder", "mlflow:cli-adder", "--alias", "champion", "--json");
    assertEquals(0, push.exitCode(), push.toString());
    assertEquals("mlflow:cli-adder/1", MAPPER.readTree(push.out()).get("reference").asText());
    CliResult second = gpux("push", "adder", "mlflow:cli-adder");
    assertEquals(0, second.exitCode(), second.toString());
    assertTrue(second.out().contains("Pushed mlflow:cli-adder/2"), second.toString());

    CliResult versions = gpux("versions", "mlflow:cli-adder", "--json");
    assertEquals(0, versions.exitCode(), versions.toString());
    JsonNode v = MAPPER.readTree(versions.out());
    assertEquals("2", v.get(0).get("version").asText());
    assertTrue(v.get(1).get("tags").toString().contains("@champion"), v.toString());
    assertTrue(v.get(1).has("created"), v.toString());
    CliResult table = gpux("versions", "mlflow:cli-adder");
    assertTrue(table.out().contains("CREATED"), table.toString());
    assertTrue(table.out().contains("status:READY"), table.toString());

    CliResult search = gpux("search", "-r", "mlflow", "cli-add", "--json");
    assertEquals(0, search.exitCode(), search.toString());
    assertEquals(
        "mlflow:cli-adder", MAPPER.readTree(search.out()).get(0).get("reference").asText());

    // gpux run pulls a reference the store lacks, like docker run.
    CliResult latest =
        gpux("run", "mlflow:cli-adder/2", "--input", "{\"x\": [[1, 2, 3, 4]]}", "--json");
    assertEquals(0, latest.exitCode(), latest.toString());
    assertTrue(latest.err().contains("pulling"), latest.toString());

    CliResult pull = gpux("pull", "mlflow:cli-adder@champion", "--json");
    assertEquals(0, pull.exitCode(), pull.toString());
    JsonNode p = MAPPER.readTree(pull.out());
    assertEquals("1", p.get("version").asText());
    assertEquals("champion", p.get("requested").asText());

    for (String ref : new String[] {"mlflow:cli-adder@champion", "models:/cli-adder/2"}) {
      assertEquals(0, gpux("pull", ref).exitCode(), ref);
      CliResult run = gpux("run", ref, "--input", "{\"x\": [[1, 2, 3, 4]]}", "--json", "-q");
      assertEquals(0, run.exitCode(), run.toString());
      assertEquals(5.0, MAPPER.readTree(run.out()).get("y").get(0).get(3).asDouble(), 1e-6);
    }

    CliResult inspect = gpux("inspect", "mlflow:cli-adder@champion");
    assertEquals(0, inspect.exitCode(), inspect.toString());
    assertTrue(
        inspect.out().contains("Source:     mlflow:cli-adder 1 (pulled as champion)"),
        inspect.toString());
    assertTrue(inspect.out().contains("server = " + server.url()), inspect.toString());
    assertFalse(inspect.out().contains(MlflowServer.ADMIN_PASSWORD));
  }

  @Test
  @ResourceLock("java.lang.System.in") // replaces System.in for login --token-stdin
  void loginStoresAUserAndPasswordThatPullsUse() throws Exception {
    Path project = Files.createDirectories(cwd.resolve("adder"));
    OnnxModels.addOne(project.resolve("model.onnx"));
    assertEquals(0, gpux("push", "adder", "mlflow:cli-login").exitCode());
    Map<String, String> env =
        Map.of("GPUX_HOME", home.toString(), "MLFLOW_TRACKING_URI", server.url());
    CliResult denied = CliResult.run(cwd, env, "pull", "mlflow:cli-login/1");
    assertEquals(2, denied.exitCode(), denied.toString());
    assertTrue(denied.err().contains("MLFLOW_TRACKING_USERNAME"), denied.toString());
    java.io.InputStream stdin = System.in;
    try {
      System.setIn(
          new java.io.ByteArrayInputStream(
              (MlflowServer.ADMIN_PASSWORD + "\n")
                  .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      CliResult login =
          CliResult.run(
              cwd, env, "login", "mlflow", "--username", MlflowServer.ADMIN, "--token-stdin");
      assertEquals(0, login.exitCode(), login.toString());
      assertFalse(login.out().contains(MlflowServer.ADMIN_PASSWORD));
    } finally {
      System.setIn(stdin);
    }
    CliResult pull = CliResult.run(cwd, env, "pull", "mlflow:cli-login/1");
    assertEquals(0, pull.exitCode(), pull.toString());
    assertTrue(
        pull.out().contains("Pulled mlflow:cli-login/1:"),
        "the exact version in MLflow's own form (name@1 would be an alias): " + pull);
  }

  @Test
  void aMissingAliasExitsWithTheAliasesInTheHint() throws Exception {
    Path project = Files.createDirectories(cwd.resolve("adder"));
    OnnxModels.addOne(project.resolve("model.onnx"));
    assertEquals(0, gpux("push", "adder", "mlflow:cli-hint", "--alias", "prod").exitCode());
    CliResult pull = gpux("pull", "mlflow:cli-hint@staging");
    assertEquals(2, pull.exitCode(), pull.toString());
    assertTrue(pull.err().contains("prod -> 1"), pull.toString());
  }
}
