package io.gpux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gpux.testing.OnnxModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** gpux compare on generated models with different signatures, opsets and operators. */
class CompareCommandTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  @TempDir Path cwd;
  @TempDir Path home;

  @BeforeEach
  void models() throws Exception {
    OnnxModels.addOne(Files.createDirectories(cwd.resolve("add-one")).resolve("model.onnx"));
    OnnxModels.addConstant(
        Files.createDirectories(cwd.resolve("add-two")).resolve("model.onnx"), 2f);
    // A different signature (x[batch, 16]), a newer opset and 2 * 16 * 16 weights.
    OnnxModels.builder()
        .producer("gpux-testing", "1")
        .irVersion(9)
        .opset(19)
        .input("x", "float32", "batch", 16)
        .initializer("w0", "float32", new long[] {16, 16}, new float[256])
        .initializer("w1", "float32", new long[] {16, 16}, new float[256])
        .node("MatMul", List.of("x", "w0"), List.of("h"))
        .node("Relu", List.of("h"), List.of("r"))
        .node("MatMul", List.of("r", "w1"), List.of("y"))
        .output("y", "float32", "batch", 16)
        .writeTo(Files.createDirectories(cwd.resolve("mlp")).resolve("model.onnx"));
    // A valid model the CPU provider has no kernel for (BitShift on uint16): it will not open.
    OnnxModels.builder()
        .opset(17)
        .input("a", "uint16", "batch", 4)
        .input("b", "uint16", "batch", 4)
        .node("BitShift", List.of("a", "b"), List.of("c"), Map.of("direction", "LEFT"))
        .output("c", "uint16", "batch", 4)
        .writeTo(Files.createDirectories(cwd.resolve("int8-add")).resolve("model.onnx"));
  }

  private CliResult gpux(String... args) {
    return CliResult.run(cwd, Map.of("GPUX_HOME", home.toString()), args);
  }

  private static JsonNode row(JsonNode compare, String key) {
    for (JsonNode r : compare.get("rows")) {
      if (r.get("key").asText().equals(key)) {
        return r;
      }
    }
    throw new AssertionError("no row " + key + " in " + compare);
  }

  private static List<Integer> best(JsonNode row) {
    List<Integer> out = new ArrayList<>();
    row.path("best").forEach(b -> out.add(b.asInt()));
    return out;
  }

  @Test
  void modelsSideBySideWithTheBestOfEachRowMarked() throws Exception {
    CliResult r = gpux("compare", "add-one", "add-two", "mlp", "int8-add", "--json");
    assertEquals(0, r.exitCode(), r.toString());
    JsonNode c = MAPPER.readTree(r.out());
    assertEquals(4, c.get("models").size());
    JsonNode params = row(c, "parameters");
    assertEquals(List.of(1, 1, 512, 0), values(params), "elements of the initializers");
    assertEquals(List.of(3), best(params));
    assertEquals(List.of(17, 17, 19, 17), values(row(c, "opset")));
    assertEquals(
        List.of(8, 8, 9, 8),
        values(row(c, "ir_version")).subList(0, 3).size() == 3
            ? values(row(c, "ir_version"))
            : null);
    assertEquals(List.of(1, 1, 3, 1), values(row(c, "operators")));
    assertEquals(
        "[\"BitShift\"]",
        c.get("models").get(3).get("unsupported_operators").toString(),
        "ONNX Runtime's own refusal: " + c.get("models").get(3));
    assertEquals("[]", c.get("models").get(0).get("unsupported_operators").toString());
    assertEquals(List.of("add-two"), strings(c.get("replaceable").get("add-one")));
    assertEquals(
        List.of(), strings(c.get("replaceable").get("mlp")), "no other model has its signature");
    assertEquals("local", c.get("models").get(0).get("registry").asText());

    CliResult table = gpux("compare", "add-one", "mlp");
    assertEquals(0, table.exitCode(), table.toString());
    assertTrue(table.out().contains("parameters"), table.out());
    assertTrue(table.out().matches("(?s).*parameters\\s+1 \\*\\s+512.*"), table.out());
  }

  @Test
  void measuringTimesEveryModelWithOneHarness() throws Exception {
    CliResult r =
        gpux("compare", "add-one", "mlp", "--measure", "--runs", "5", "--warmup", "1", "--json");
    assertEquals(0, r.exitCode(), r.toString());
    JsonNode c = MAPPER.readTree(r.out());
    for (JsonNode m : c.get("models")) {
      JsonNode x = m.get("measurement");
      assertTrue(x.get("batch_1").get("p50_ms").asDouble() > 0, m.toString());
      assertTrue(
          x.get("batch_1").get("p99_ms").asDouble() >= x.get("batch_1").get("p50_ms").asDouble());
      assertEquals("cpu", x.get("provider").asText().toLowerCase(java.util.Locale.ROOT));
    }
    assertEquals(2, row(c, "p50_ms").get("values").size());
  }

  @Test
  void badInputAndHelp() {
    CliResult one = gpux("compare", "add-one");
    assertEquals(2, one.exitCode(), one.toString());
    CliResult missing = gpux("compare", "add-one", "nowhere");
    assertTrue(missing.exitCode() != 0, missing.toString());
    assertTrue(missing.err().contains("nowhere"), missing.err());
    assertFalse(missing.err().contains("\tat "), missing.err());
    CliResult help = gpux("compare", "--help");
    assertEquals(0, help.exitCode(), help.toString());
    assertTrue(help.out().contains("--measure"), help.out());
    assertTrue(help.out().contains("REF"), help.out());
  }

  private static List<Integer> values(JsonNode row) {
    List<Integer> out = new ArrayList<>();
    row.get("values").forEach(v -> out.add(v.asInt()));
    return out;
  }

  private static List<String> strings(JsonNode a) {
    List<String> out = new ArrayList<>();
    a.forEach(v -> out.add(v.asText()));
    return out;
  }
}
