package io.gpux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gpux.testing.OnnxModels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of bad input gets one error line naming the problem, a hint naming the fix, exit code
 * 2 (3 for what the machine lacks), and no stack trace unless --debug.
 */
class BadInputTest {
  @TempDir Path dir;

  private CliResult run(String... args) {
    return CliResult.run(dir, args);
  }

  private static void assertCleanError(CliResult r, int code, String problem, String hint) {
    assertEquals(code, r.exitCode(), r.toString());
    assertTrue(r.err().contains("gpux: error: "), r.toString());
    assertTrue(r.err().contains(problem), "expected problem '" + problem + "' in\n" + r);
    assertTrue(
        r.err().contains("hint: ") && r.err().contains(hint),
        "expected hint '" + hint + "' in\n" + r);
    assertFalse(r.err().contains("\tat "), "no stack trace without --debug:\n" + r);
    assertFalse(r.err().contains("Exception"), "no exception names without --debug:\n" + r);
  }

  private Path project(String yaml) throws Exception {
    OnnxModels.addOne(dir.resolve("add_one.onnx"));
    Files.writeString(dir.resolve("gpux.yml"), yaml);
    return dir;
  }

  @Test
  void malformedYaml() throws Exception {
    project("name: m\nmodel:\n  source: [oops\n");
    assertCleanError(run("build", "."), 2, "gpux.yml:", "fix the YAML syntax");
  }

  @Test
  void unknownFieldIsOnlyAWarning() throws Exception {
    project("name: m\nmodel: {source: ./add_one.onnx, sorce: x}\n");
    CliResult r = run("build", ".");
    assertEquals(0, r.exitCode(), r.toString());
    assertTrue(
        r.err().contains("gpux: warning: ") && r.err().contains("did you mean 'source'"),
        r.toString());
  }

  @Test
  void missingModelFile() throws Exception {
    Files.writeString(dir.resolve("gpux.yml"), "name: m\nmodel: {source: ./missing.onnx}\n");
    assertCleanError(run("run", ".", "--input", "{}"), 2, "missing.onnx", "model.source");
  }

  @Test
  void fileThatIsNotOnnx() throws Exception {
    Files.writeString(dir.resolve("model.onnx"), "this is plain text, not a protobuf\n");
    assertCleanError(run("inspect", "model.onnx"), 2, "not an ONNX model", "ONNX ModelProto");
  }

  @Test
  void gitLfsPointerInsteadOfTheModel() throws Exception {
    Files.writeString(
        dir.resolve("model.onnx"),
        "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n",
        StandardCharsets.UTF_8);
    assertCleanError(
        run("run", "model.onnx", "--input", "{}"), 2, "Git LFS pointer", "git lfs pull");
  }

  @Test
  void tensorWithTheWrongShape() throws Exception {
    project("name: m\nmodel: {source: ./add_one.onnx}\n");
    assertCleanError(
        run("run", ".", "--input", "{\"x\": [[1, 2, 3]]}"),
        2,
        "input 'x' has shape [1, 3]",
        "resize 'x'");
  }

  @Test
  void tensorWithTheWrongDtype() throws Exception {
    project("name: m\nmodel: {source: ./add_one.onnx}\n");
    assertCleanError(
        run("run", ".", "--input", "{\"x\": [[\"a\", \"b\", \"c\", \"d\"]]}"),
        2,
        "float32",
        "send numbers");
  }

  @Test
  void missingRequiredInput() throws Exception {
    OnnxModels.tokenIdsModel(dir.resolve("ids.onnx"));
    assertCleanError(
        run("run", "ids.onnx", "--input", "{\"input_ids\": [[1, 2]]}"),
        2,
        "missing required input 'attention_mask'",
        "give every input");
  }

  @Test
  void textForAModelWithoutTokenizer() throws Exception {
    OnnxModels.tokenIdsModel(dir.resolve("ids.onnx"));
    assertCleanError(
        run("run", "ids.onnx", "--input", "{\"text\": \"hello\"}"),
        2,
        "has no tokenizer",
        "tokenizer.json");
  }

  @Test
  void unknownProvider() throws Exception {
    project("name: m\nmodel: {source: ./add_one.onnx}\n");
    assertCleanError(
        run("run", ".", "--provider", "quantum", "--input", "{}"),
        2,
        "unknown provider 'quantum'",
        "cuda");
  }

  @Test
  void providerThatCannotBeUsedWithNoFallback() throws Exception {
    project("name: m\nmodel: {source: ./add_one.onnx}\n");
    CliResult r =
        run(
            "run",
            ".",
            "--provider",
            "tensorrt",
            "--no-fallback",
            "--input",
            "{\"x\": [[1,2,3,4]]}");
    if (r.exitCode() == 0) {
      return; // this ONNX Runtime build really has TensorRT
    }
    assertCleanError(r, 3, "provider tensorrt cannot be used", "drop --no-fallback");
  }

  @Test
  void invalidJsonInput() throws Exception {
    project("name: m\nmodel: {source: ./add_one.onnx}\n");
    assertCleanError(
        run("run", ".", "--input", "{\"x\": [[1, 2,"), 2, "--input is not valid JSON", "brackets");
  }

  @Test
  void inputThatIsNotAnObject() throws Exception {
    project("name: m\nmodel: {source: ./add_one.onnx}\n");
    assertCleanError(run("run", ".", "--input", "[1, 2]"), 2, "must be a JSON object", "--input");
  }

  @Test
  void unknownModelName() {
    assertCleanError(
        run("run", "no-such-model", "--input", "{}"),
        2,
        "no model named 'no-such-model'",
        "gpux run ./no-such-model");
  }

  @Test
  void usageErrorsExitWithTwo() {
    CliResult r = run("run");
    assertEquals(2, r.exitCode(), r.toString());
    assertTrue(r.err().contains("gpux: error: "), r.toString());
  }

  @Test
  void debugShowsTheStackTrace() throws Exception {
    Files.writeString(dir.resolve("model.onnx"), "not onnx");
    CliResult r = run("--debug", "inspect", "model.onnx");
    assertEquals(2, r.exitCode(), r.toString());
    assertTrue(r.err().contains("\tat io.gpux."), r.toString());
  }

  @Test
  void buildReportsSignatureMismatchesAndExitsWithTwo() throws Exception {
    project(
        """
        name: m
        model: {source: ./add_one.onnx}
        inputs:
          x: {type: int64, shape: [-1, 5]}
        outputs:
          y: {type: float32}
        """);
    CliResult r = run("build", ".");
    assertEquals(2, r.exitCode(), r.toString());
    assertTrue(r.err().contains("declared type int64 but the model's is float32"), r.toString());
    assertTrue(
        r.err().contains("dimension 1 declared 5 but the model fixes it at 4"), r.toString());
    assertFalse(Files.exists(dir.resolve(".gpux/build.json")), "a failed build writes no record");
    assertTrue(
        r.err()
            .contains(
                "gpux: error: build failed: 2 difference(s) between gpux.yml and the model\n"
                    + "hint: make gpux.yml's inputs/outputs match the model"),
        r.toString());
    assertTrue(
        r.err()
            .contains(
                "see: docs/troubleshooting.md#build-failed--differences-between-gpuxyml-and-the-model"),
        r.toString());
  }
}
