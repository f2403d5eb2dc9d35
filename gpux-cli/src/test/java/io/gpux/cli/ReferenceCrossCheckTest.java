package io.gpux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gpux.testing.OnnxModels;
import io.gpux.testing.PythonEnv;
import io.gpux.testing.RepoFiles;
import io.gpux.testing.Slow;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gpux run} against Python {@code onnxruntime} ({@code python/gpux_reference.py}) on the
 * same model and inputs: outputs must agree within float tolerance, integers and strings exactly,
 * and text must tokenize to the same ids as Python's {@code tokenizers}.
 *
 * <p>Needs the repository's Python environment ({@code bash python/setup-venv.sh}); without it the
 * test is skipped, unless {@code GPUX_REQUIRE_REFERENCE=1} (set by the test script and CI), which
 * makes a missing environment a failure.
 */
@Slow
class ReferenceCrossCheckTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final double RTOL = 1e-4;
  private static final double ATOL = 1e-5;
  private final Path root = RepoFiles.root();
  @TempDir Path dir;

  @Test
  void addOne() throws Exception {
    crossCheck(OnnxModels.addOne(dir), "{\"x\": [[1, 2, 3, 4], [-1.5, 0.25, 1e-3, 1e6]]}", null);
  }

  @Test
  void everyDtype() throws Exception {
    StringBuilder in = new StringBuilder("{");
    for (String t : OnnxModels.MULTI_DTYPE_TYPES) {
      in.append(in.length() == 1 ? "" : ",").append('"').append(t).append("\": ");
      in.append(t.equals("bool") ? "[[true, false], [false, true]]" : "[[1, 2], [3, 100]]");
    }
    crossCheck(OnnxModels.multiDtype(dir), in.append('}').toString(), null);
  }

  @Test
  void severalOutputs() throws Exception {
    crossCheck(
        OnnxModels.twoOutputs(dir), "{\"x\": [[0.1, 0.2, 0.3], [4, 5, 6], [7, 8, 9]]}", null);
  }

  @Test
  void strings() throws Exception {
    crossCheck(OnnxModels.stringIdentity(dir), "{\"text\": [\"héllo\", \"\", \"wörld 🌍\"]}", null);
  }

  @Test
  void matMulChain() throws Exception {
    crossCheck(OnnxModels.matMulChain(dir, 64, 4), randomMatrix(3, 64), null);
  }

  @Test
  void trainedDigitsModel() throws Exception {
    Path model = root.resolve("examples/digits/model.onnx");
    crossCheck(model, Files.readString(root.resolve("examples/digits/batch.json")), null);
    crossCheck(model, Files.readString(root.resolve("examples/digits/sample.json")), null);
  }

  @Test
  void realTokenizerGivesTheSameIdsAsPythonTokenizers() throws Exception {
    Path tokenizer = root.resolve("examples/minilm/model/tokenizer.json");
    requireOrSkip(Files.isRegularFile(tokenizer), "examples/minilm/setup.sh has not been run");
    Path model = OnnxModels.tokenIdsModel(dir);
    Files.copy(tokenizer, dir.resolve("tokenizer.json"));
    String texts =
        "[\"Hello, world!\", \"GPUX runs ONNX models on any accelerator.\", \"naïve café — déjà vu\", \"unbelievably tokenizable\"]";
    JsonNode ours = gpuxRun(model, "{\"text\": " + texts + "}");
    JsonNode ref = reference(model, "{\"text\": " + texts + "}", tokenizer);
    assertEquals(ref.get("tokens").get("input_ids").toString(), ours.get("masked").toString());
  }

  @Test
  void realTextModel() throws Exception {
    Path project = root.resolve("examples/minilm");
    Path model = project.resolve("model/model.onnx");
    requireOrSkip(Files.isRegularFile(model), "examples/minilm/setup.sh has not been run");
    String in =
        "{\"text\": [\"A man is playing a guitar.\", \"Someone plays an instrument.\", \"The stock market fell sharply today.\"]}";
    JsonNode ours = gpuxRun(project, in);
    JsonNode ref = reference(model, in, project.resolve("model/tokenizer.json"));
    compare(ref.get("outputs"), ours);
  }

  private void crossCheck(Path model, String input, Path tokenizer) throws Exception {
    compare(reference(model, input, tokenizer).get("outputs"), gpuxRun(model, input));
  }

  private JsonNode gpuxRun(Path model, String input) throws Exception {
    Path in = Files.writeString(dir.resolve("in-" + System.nanoTime() + ".json"), input);
    CliResult r =
        CliResult.run(dir, "run", model.toString(), "--file", in.toString(), "--json", "-q");
    assertEquals(0, r.exitCode(), r.toString());
    return MAPPER.readTree(r.out());
  }

  private JsonNode reference(Path model, String input, Path tokenizer) throws Exception {
    Path python = python();
    Path in = Files.writeString(dir.resolve("ref-in-" + System.nanoTime() + ".json"), input);
    Path out = dir.resolve("ref-out-" + System.nanoTime() + ".json");
    List<String> cmd =
        new ArrayList<>(
            List.of(
                python.toString(),
                root.resolve("python/gpux_reference.py").toString(),
                "--model",
                model.toString(),
                "--input",
                in.toString(),
                "--output",
                out.toString()));
    if (tokenizer != null) {
      cmd.addAll(List.of("--tokenizer", tokenizer.toString(), "--max-length", "128"));
    }
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      fail("python reference failed:\n" + log);
    }
    return MAPPER.readTree(out.toFile());
  }

  private static void compare(JsonNode reference, JsonNode ours) {
    for (Iterator<String> it = reference.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      JsonNode ref = reference.get(name);
      assertTrue(ours.has(name), "gpux output lacks " + name + ": " + ours);
      List<Number> shape = new ArrayList<>();
      ref.get("shape").forEach(d -> shape.add(d.asLong()));
      assertEquals(shape.toString(), shapeOf(ours.get(name)).toString(), "shape of " + name);
      compareValues(name, ref.get("dtype").asText(), ref.get("data"), ours.get(name));
    }
  }

  private static List<Long> shapeOf(JsonNode node) {
    List<Long> shape = new ArrayList<>();
    while (node.isArray()) {
      shape.add((long) node.size());
      if (node.isEmpty()) {
        break;
      }
      node = node.get(0);
    }
    return shape;
  }

  private static void compareValues(String name, String dtype, JsonNode ref, JsonNode ours) {
    if (ref.isArray()) {
      assertEquals(ref.size(), ours.size(), name);
      for (int i = 0; i < ref.size(); i++) {
        compareValues(name, dtype, ref.get(i), ours.get(i));
      }
      return;
    }
    if (dtype.startsWith("float")) {
      double a = ref.asDouble();
      double b = ours.asDouble();
      assertTrue(
          Math.abs(a - b) <= ATOL + RTOL * Math.abs(a), name + ": python " + a + " vs gpux " + b);
    } else if (dtype.equals("bool")) {
      assertEquals(ref.asBoolean(), ours.asBoolean(), name);
    } else {
      assertEquals(ref.asText(), ours.asText(), name);
    }
  }

  private static String randomMatrix(int rows, int cols) {
    java.util.Random r = new java.util.Random(7);
    StringBuilder sb = new StringBuilder("{\"x\": [");
    for (int i = 0; i < rows; i++) {
      sb.append(i == 0 ? "[" : ", [");
      for (int j = 0; j < cols; j++) {
        sb.append(j == 0 ? "" : ", ").append((float) r.nextGaussian());
      }
      sb.append(']');
    }
    return sb.append("]}").toString();
  }

  private static Path python() {
    return PythonEnv.python();
  }

  private static void requireOrSkip(boolean present, String why) {
    PythonEnv.requireOrSkip(present, why);
  }
}
