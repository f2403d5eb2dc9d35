package io.gpux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gpux.testing.PythonEnv;
import io.gpux.testing.RepoFiles;
import io.gpux.testing.Slow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gpux convert} for real: a small Keras model with seeded weights, saved by TensorFlow
 * itself as a SavedModel, as .keras and as TFLite (python/make_tf_models.py), converted in the
 * environment bin/test made from the same requirements GPUX ships ({@code .venv-tensorflow},
 * pointed at with GPUX_PYTHON_ENV_TENSORFLOW); {@code gpux run} of each result gives TensorFlow's
 * outputs.
 */
@Slow
class ConvertTensorFlowTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  @TempDir static Path dir;
  private static Path models;
  private static JsonNode expected;
  private static Map<String, String> env;

  @BeforeAll
  static void makeModels() throws Exception {
    Path venv = RepoFiles.root().resolve(".venv-tensorflow");
    PythonEnv.python("tensorflow"); // skips (or fails under GPUX_REQUIRE_REFERENCE) without it
    models = dir.resolve("models");
    PythonEnv.run("tensorflow", "make_tf_models.py", List.of(models.toString()));
    expected = MAPPER.readTree(models.resolve("expected.json").toFile());
    Files.writeString(dir.resolve("input.json"), expected.get("input").toString());
    env = new HashMap<>(System.getenv());
    env.put("GPUX_HOME", dir.resolve("home").toString());
    env.put("GPUX_PYTHON_ENV_TENSORFLOW", venv.toString());
    env.remove(io.gpux.convert.ModelConverter.TAMPER_VARIABLE);
  }

  private static void convertsAndRunsAsTensorFlow(String source, String framework)
      throws Exception {
    String out = "out-" + framework;
    CliResult c = CliResult.run(dir, env, "convert", "models/" + source, "-o", out, "--json");
    assertEquals(0, c.exitCode(), c.toString());
    JsonNode r = MAPPER.readTree(c.out()).get("conversion");
    assertTrue(r.get("passed").asBoolean(), c.out());
    assertEquals(framework, r.get("framework").asText());
    assertEquals("tf2onnx", r.get("converter").asText());
    assertEquals(17, r.get("opset").asInt());
    assertEquals("[2,8,8,3]", r.get("input_shapes").get("image").toString(), c.out());
    assertEquals(2, r.get("outputs").size(), c.out());
    for (JsonNode o : r.get("outputs")) {
      assertTrue(o.get("max_abs").asDouble() < 1e-4, c.out());
    }
    assertTrue(Files.isRegularFile(dir.resolve(out).resolve("gpux.yml")));
    assertTrue(Files.isRegularFile(dir.resolve(out).resolve(".gpux/conversion.json")));

    CliResult run = CliResult.run(dir, env, "run", out, "--json", "--file", "input.json");
    assertEquals(0, run.exitCode(), run.toString());
    JsonNode got = MAPPER.readTree(run.out());
    for (String output : List.of("logits", "features")) {
      JsonNode want = expected.get("outputs").get(output).get(0);
      JsonNode have = got.get(output).get(0);
      assertEquals(want.size(), have.size(), output + ": " + run.out());
      for (int i = 0; i < want.size(); i++) {
        assertEquals(
            want.get(i).asDouble(), have.get(i).asDouble(), 1e-4, output + " " + run.out());
      }
    }
  }

  @Test
  void aSavedModelConvertsAndRunsAsTensorFlow() throws Exception {
    convertsAndRunsAsTensorFlow("saved_model", "tensorflow");
    CliResult inspect = CliResult.run(dir, env, "inspect", "out-tensorflow");
    assertEquals(0, inspect.exitCode(), inspect.toString());
    assertTrue(
        inspect.out().contains("Converted:  from tensorflow 2.21.0 by tf2onnx 1.17.0, opset 17"),
        inspect.out());
    assertTrue(
        inspect
            .out()
            .contains(
                "Check:      passed on seeded random inputs image=2x8x8x3 (seed 0),"
                    + " tolerance abs 0.0001, rel 0.001"),
        inspect.out());
    assertTrue(inspect.out().matches("(?s).*\\n  logits +max abs .*"), inspect.out());
    JsonNode json =
        MAPPER.readTree(CliResult.run(dir, env, "inspect", "out-tensorflow", "--json").out());
    assertTrue(json.get("conversion").get("passed").asBoolean(), json.toString());
    assertEquals("batch", json.get("inputs").get(0).get("shape").get(0).asText(), json.toString());
  }

  @Test
  void aKerasFileConvertsAndRunsAsTensorFlow() throws Exception {
    convertsAndRunsAsTensorFlow("tiny.keras", "keras");
  }

  @Test
  void aTfLiteFileConvertsAndRunsAsTensorFlowWithItsSignatureNames() throws Exception {
    convertsAndRunsAsTensorFlow("tiny.tflite", "tflite");
  }

  /** The real check, on a model changed after conversion (the driver's test hook). */
  @Test
  void aModelTamperedAfterConversionFailsItsCheckAndNothingIsKept() throws Exception {
    Map<String, String> tamper = new HashMap<>(env);
    tamper.put(io.gpux.convert.ModelConverter.TAMPER_VARIABLE, "1");
    CliResult r = CliResult.run(dir, tamper, "convert", "models/tiny.keras", "-o", "tampered");
    assertEquals(1, r.exitCode(), r.toString());
    assertTrue(
        r.err().contains("gpux: error: the converted model failed its check: output '"),
        r.toString());
    assertTrue(r.err().contains("' differs from keras by max abs "), r.toString());
    assertTrue(
        r.err().contains("(tolerance abs 0.0001, rel 0.001); nothing was kept"), r.toString());
    assertFalse(r.err().contains("\tat "), r.toString());
    assertFalse(Files.exists(dir.resolve("tampered")), r.toString());
    try (var s = Files.list(dir)) {
      assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(".gpux-convert-")));
    }
  }

  @Test
  void aFileTheFrameworkCannotReadIsBadInputWithItsMessage() throws Exception {
    Files.writeString(dir.resolve("broken.tflite"), "not a flatbuffer");
    CliResult r = CliResult.run(dir, env, "convert", "broken.tflite");
    assertEquals(2, r.exitCode(), r.toString());
    String error = r.err().substring(r.err().indexOf("gpux: error: "));
    assertTrue(
        error.startsWith(
            "gpux: error: tflite could not load it: Model provided has model identifier"),
        r.toString());
    assertTrue(
        error.contains("\nhint: check that it is a TensorFlow Lite model (.tflite), complete"),
        r.toString());
    assertEquals(3, error.strip().split("\n").length, r.toString()); // + see:
    assertFalse(r.err().contains("Traceback"), r.toString());
  }

  /** An op the exporter cannot convert: its name, on one line, and nothing kept. */
  @Test
  void anExportErrorNamesTheOpAndKeepsNothing() {
    CliResult r = CliResult.run(dir, env, "convert", "models/unsupported", "-o", "unsupported");
    assertEquals(1, r.exitCode(), r.toString());
    String error = r.err().substring(r.err().indexOf("gpux: error: "));
    assertTrue(
        error.startsWith(
            "gpux: error: tf2onnx could not convert models/unsupported: no ONNX equivalent for the"
                + " tensorflow op StringToHashBucketFast\nhint: "),
        r.toString());
    assertEquals(3, error.strip().split("\n").length, r.toString()); // + see:
    assertFalse(Files.exists(dir.resolve("unsupported")), r.toString());
  }

  @Test
  void setupFindsTheEnvironmentReady() {
    CliResult r = CliResult.run(dir, env, "convert", "--setup");
    assertEquals(0, r.exitCode(), r.toString());
    assertTrue(r.err().contains("gpux: tensorflow environment ready ("), r.toString());
  }
}
