package io.gpux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gpux.testing.PythonEnv;
import io.gpux.testing.RepoFiles;
import io.gpux.testing.Slow;
import io.gpux.testing.kaggle.FakeKaggle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kaggle Models variations that are not ONNX (TensorFlow 2 SavedModel, Keras, TFLite) are converted
 * at pull time with the same driver, environment and check as {@code gpux convert}: the models are
 * made by TensorFlow itself (python/make_tf_models.py), published on the Kaggle test server, pulled
 * as a user types it, and run; the outputs match TensorFlow's.
 */
@Slow
class KaggleTensorFlowPullTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  @TempDir static Path dir;
  private static FakeKaggle kaggle;
  private static JsonNode expected;
  private static Map<String, String> env;

  @BeforeAll
  static void publish() throws Exception {
    PythonEnv.python("tensorflow"); // skips (or fails under GPUX_REQUIRE_REFERENCE) without it
    Path models = dir.resolve("models");
    PythonEnv.run("tensorflow", "make_tf_models.py", List.of(models.toString()));
    expected = MAPPER.readTree(models.resolve("expected.json").toFile());
    Files.writeString(dir.resolve("input.json"), expected.get("input").toString());
    kaggle = FakeKaggle.start();
    kaggle.publish("acme", "tiny", "TENSOR_FLOW_2", "saved", tree(models.resolve("saved_model")));
    kaggle.publish(
        "acme", "tiny", "KERAS", "k", Map.of("tiny.keras", read(models.resolve("tiny.keras"))));
    kaggle.publish(
        "acme",
        "tiny",
        "TF_LITE",
        "lite",
        Map.of("tiny.tflite", read(models.resolve("tiny.tflite"))));
    env = new HashMap<>();
    env.put("GPUX_HOME", dir.resolve("home").toString());
    env.put("HOME", dir.resolve("user").toString());
    env.put("KAGGLE_API_ENDPOINT", kaggle.url());
    env.put("GPUX_PYTHON_ENV_TENSORFLOW", RepoFiles.root().resolve(".venv-tensorflow").toString());
  }

  @AfterAll
  static void stop() {
    if (kaggle != null) {
      assertEquals(List.of(), kaggle.unknownRequests());
      kaggle.close();
    }
  }

  private static byte[] read(Path p) throws Exception {
    return Files.readAllBytes(p);
  }

  /** A SavedModel folder as the variation's files: saved_model.pb, variables/..., by path. */
  private static Map<String, byte[]> tree(Path root) throws Exception {
    Map<String, byte[]> files = new LinkedHashMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
        files.put(root.relativize(p).toString().replace('\\', '/'), read(p));
      }
    }
    return files;
  }

  private static void pullsConvertedAndRuns(String ref, String framework) throws Exception {
    CliResult pull = CliResult.run(dir, env, "pull", ref);
    assertEquals(0, pull.exitCode(), pull.toString());
    CliResult lineage = CliResult.run(dir, env, "lineage", ref, "--json");
    assertEquals(0, lineage.exitCode(), lineage.toString());
    assertTrue(lineage.out().contains("tf2onnx"), lineage.out());
    assertTrue(lineage.out().contains(framework), lineage.out());

    CliResult run = CliResult.run(dir, env, "run", ref, "--json", "--file", "input.json");
    assertEquals(0, run.exitCode(), run.toString());
    JsonNode got = MAPPER.readTree(run.out());
    for (String output : List.of("logits", "features")) {
      JsonNode want = expected.get("outputs").get(output).get(0);
      JsonNode have = got.get(output).get(0);
      assertEquals(want.size(), have.size(), output + ": " + run.out());
      for (int i = 0; i < want.size(); i++) {
        assertEquals(want.get(i).asDouble(), have.get(i).asDouble(), 1e-4, output + run.out());
      }
    }
  }

  @Test
  void aTensorFlow2SavedModelVariationIsConvertedAtPull() throws Exception {
    pullsConvertedAndRuns("kaggle:acme/tiny/tensorFlow2/saved", "tensorflow");
  }

  @Test
  void aKerasVariationIsConvertedAtPull() throws Exception {
    pullsConvertedAndRuns("kaggle:acme/tiny/keras/k", "keras");
  }

  @Test
  void aTfLiteVariationIsConvertedAtPull() throws Exception {
    pullsConvertedAndRuns("kaggle:acme/tiny/tfLite/lite", "tflite");
  }
}
