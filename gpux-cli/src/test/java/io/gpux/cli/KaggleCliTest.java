package io.gpux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gpux.testing.OnnxModels;
import io.gpux.testing.kaggle.FakeKaggle;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands of docs/registries/kaggle.md, typed as a user types them, against the Kaggle test
 * server: pull (latest, pinned, tfhub), run, versions, search, inspect, outdated, login, and the
 * one-line errors.
 */
class KaggleCliTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String TOKEN = "KGAT_cliTest0123456789abcdefghijklmnopq";
  @TempDir Path dir;
  private FakeKaggle kaggle;
  private final Map<String, String> env = new HashMap<>();

  @BeforeEach
  void start() throws Exception {
    byte[] model = Files.readAllBytes(OnnxModels.addOne(dir.resolve("src/model.onnx")));
    kaggle = FakeKaggle.start().requireToken(TOKEN);
    kaggle.publish("acme", "adder", "ONNX", "default", Map.of("model.onnx", model));
    kaggle.publish("acme", "adder", "ONNX", "default", Map.of("model.onnx", model));
    kaggle.publish("acme", "adder", "TENSOR_FLOW_2", "saved", Map.of("saved_model.pb", model));
    kaggle.license("acme", "adder", "ONNX", "default", "Apache 2.0");
    kaggle.tfhub("acme/adder/1", "acme", "adder", "ONNX", "default", 1);
    env.put("GPUX_HOME", dir.resolve("home").toString());
    env.put("HOME", dir.resolve("user").toString());
    env.put("KAGGLE_API_ENDPOINT", kaggle.url());
    env.put("GPUX_TFHUB_URL", kaggle.tfhubUrl());
    env.put("KAGGLE_API_TOKEN", TOKEN);
  }

  @AfterEach
  void stop() {
    assertEquals(List.of(), kaggle.unknownRequests());
    assertEquals(List.of(), kaggle.credentialedDownloads());
    kaggle.close();
  }

  private CliResult gpux(String... args) {
    return CliResult.run(dir, env, args);
  }

  @Test
  void pullRunVersionsSearchInspectAndOutdated() throws Exception {
    CliResult pull = gpux("pull", "kaggle:acme/adder/onnx/default");
    assertEquals(0, pull.exitCode(), pull.toString());
    assertTrue(pull.out().contains("kaggle:acme/adder/onnx/default/2"), pull.out());

    CliResult run =
        gpux(
            "run",
            "kaggle:acme/adder/onnx/default",
            "--input",
            "{\"x\": [[1, 2, 3, 4]]}",
            "--json",
            "-q");
    assertEquals(0, run.exitCode(), run.toString());
    assertTrue(run.out().contains("2.0") && run.out().contains("5.0"), run.out());

    CliResult pinned = gpux("pull", "kaggle:acme/adder/onnx/default/1", "--json");
    assertEquals(0, pinned.exitCode(), pinned.toString());
    assertEquals("1", MAPPER.readTree(pinned.out()).get("version").asText());

    CliResult versions = gpux("versions", "kaggle:acme/adder/onnx/default", "--json");
    assertEquals(0, versions.exitCode(), versions.toString());
    JsonNode vs = MAPPER.readTree(versions.out());
    assertEquals("2", vs.get(0).get("version").asText());
    assertEquals("1", vs.get(1).get("version").asText());
    assertTrue(vs.get(0).get("pulled").asBoolean(), versions.out());

    CliResult search = gpux("search", "-r", "kaggle", "adder");
    assertEquals(0, search.exitCode(), search.toString());
    assertTrue(search.out().contains("kaggle:acme/adder/onnx/default"), search.out());
    assertTrue(search.out().contains("kaggle:acme/adder/tensorFlow2/saved"), search.out());

    CliResult inspect = gpux("inspect", "kaggle:acme/adder/onnx/default");
    assertEquals(0, inspect.exitCode(), inspect.toString());
    assertTrue(inspect.out().contains("Apache 2.0"), inspect.out());
    assertFalse(inspect.out().contains(TOKEN));

    CliResult outdated = gpux("outdated", "kaggle:acme/adder/onnx/default");
    assertEquals(0, outdated.exitCode(), outdated.toString());

    CliResult page = gpux("pull", "https://www.kaggle.com/models/acme/adder/onnx/default/1");
    assertEquals(0, page.exitCode(), page.toString());
    CliResult tfhubUrl = gpux("pull", "https://tfhub.dev/acme/adder/1");
    assertEquals(0, tfhubUrl.exitCode(), tfhubUrl.toString());
    CliResult plain =
        gpux("run", "kaggle:acme/adder/onnx/default", "--input", "{\"x\": [[1, 2, 3, 4]]}");
    assertEquals(0, plain.exitCode(), plain.toString());

    CliResult tfhub = gpux("pull", "tfhub:acme/adder/1");
    assertEquals(0, tfhub.exitCode(), tfhub.toString());
    CliResult tfhubRun =
        gpux("run", "tfhub:acme/adder/1", "--input", "{\"x\": [[1, 2, 3, 4]]}", "--json", "-q");
    assertEquals(0, tfhubRun.exitCode(), tfhubRun.toString());
    assertEquals(run.out(), tfhubRun.out());
  }

  @Test
  void loginKaggleStoresATokenThePullUses() throws Exception {
    env.remove("KAGGLE_API_TOKEN");
    kaggle.requireAuth();
    InputStream stdin = System.in;
    try {
      System.setIn(new ByteArrayInputStream((TOKEN + "\n").getBytes(StandardCharsets.UTF_8)));
      CliResult login = gpux("login", "kaggle", "--token-stdin");
      assertEquals(0, login.exitCode(), login.toString());
      assertFalse(login.out().contains(TOKEN));
    } finally {
      System.setIn(stdin);
    }
    CliResult pull = gpux("pull", "kaggle:acme/adder/onnx/default");
    assertEquals(0, pull.exitCode(), pull.toString());
  }

  @Test
  void errorsAreOneLineWithTheFixAndTheRightExitCode() {
    // A TensorFlow variation is converted at pull (KaggleTensorFlowPullTest does it for real);
    // here the converter's environment is one that does not exist, so the pull says which and
    // stores nothing, rather than installing TensorFlow in a unit test.
    env.put("GPUX_PYTHON_ENV_TENSORFLOW", dir.resolve("no-such-env").toString());
    CliResult tf = gpux("pull", "kaggle:acme/adder/tensorFlow2/saved");
    assertEquals(2, tf.exitCode(), tf.toString());
    assertTrue(
        tf.err().contains("GPUX_PYTHON_ENV_TENSORFLOW=")
            && tf.err().contains("is not a Python environment"),
        tf.toString());
    assertEquals(1, tf.err().lines().filter(l -> l.startsWith("gpux: error:")).count());
    CliResult list = gpux("list");
    assertTrue(!list.out().contains("tensorFlow2"), list.toString());

    CliResult missing = gpux("pull", "kaggle:acme/nothing/onnx/default");
    assertEquals(2, missing.exitCode(), missing.toString());
    assertTrue(
        missing.err().contains("Kaggle has no kaggle:acme/nothing/onnx/default"),
        missing.toString());
    assertTrue(missing.err().contains("hint:"), missing.toString());

    env.put("KAGGLE_API_TOKEN", "KGAT_not-the-right-one");
    CliResult denied = gpux("pull", "kaggle:acme/adder/onnx/default");
    assertEquals(2, denied.exitCode(), denied.toString());
    assertTrue(
        denied.err().contains("refused the credentials from KAGGLE_API_TOKEN"), denied.toString());
    assertFalse(denied.toString().contains("not-the-right-one"));

    CliResult badHandle = gpux("pull", "kaggle:acme/adder");
    assertEquals(2, badHandle.exitCode(), badHandle.toString());
    assertTrue(
        badHandle.err().contains("kaggle:OWNER/MODEL/FRAMEWORK/VARIATION"), badHandle.toString());

    for (CliResult r : List.of(tf, missing, denied, badHandle)) {
      assertFalse(r.err().contains("\tat "), "no stack trace: " + r);
      assertFalse(r.err().contains("internal error"), r.toString());
    }
  }
}
