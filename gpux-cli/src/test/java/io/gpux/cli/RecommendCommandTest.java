package io.gpux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gpux.testing.OnnxModelBuilder;
import io.gpux.testing.OnnxModels;
import io.gpux.testing.hf.FakeHfHub;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * gpux recommend over the Hugging Face test hub: four tabular classifiers that differ in size,
 * latency (by design: width and depth), stated accuracy and license.
 */
class RecommendCommandTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  @TempDir Path home;
  @TempDir Path cwd;
  private FakeHfHub hub;
  private final Map<String, String> env = new HashMap<>();

  private static byte[] mlp(Path dir, int width, int depth) throws Exception {
    OnnxModelBuilder b = OnnxModels.builder().opset(17).input("x", "float32", "batch", width);
    String previous = "x";
    for (int l = 0; l < depth; l++) {
      b.initializer("w" + l, "float32", new long[] {width, width}, new float[width * width]);
      String out = l == depth - 1 ? "y" : "h" + l;
      b.node("MatMul", List.of(previous, "w" + l), List.of(out));
      previous = out;
    }
    Path f = dir.resolve("mlp-" + width + "x" + depth + ".onnx");
    b.output("y", "float32", "batch", width).writeTo(f);
    return Files.readAllBytes(f);
  }

  private static String card(Double accuracy) {
    return accuracy == null
        ? "---\nlicense: mit\n---\n"
        : "---\nmodel-index:\n- name: m\n  results:\n  - dataset: {name: adult}\n    metrics:\n"
            + "    - {type: accuracy, value: "
            + accuracy
            + "}\n---\n";
  }

  @BeforeEach
  void start() throws Exception {
    hub = FakeHfHub.start();
    Object[][] models = {
      // name, width, depth, accuracy, license
      {"tiny", 16, 1, 0.71, "mit"},
      {"small", 128, 2, 0.83, "apache-2.0"},
      {"large", 768, 3, 0.91, "apache-2.0"},
      {"unrated", 64, 1, null, "mit"},
    };
    for (Object[] m : models) {
      hub.repo("acme/" + m[0])
          .file("model.onnx", mlp(cwd, (int) m[1], (int) m[2]))
          .file("README.md", card((Double) m[3]))
          .pipelineTag("tabular-classification")
          .license((String) m[4])
          .commit("initial");
    }
    env.put("GPUX_HOME", home.toString());
    env.put("HOME", cwd.resolve("user").toString());
    env.put("HF_ENDPOINT", hub.url());
  }

  @AfterEach
  void stop() {
    hub.close();
  }

  private CliResult gpux(String... args) {
    return CliResult.run(cwd, env, args);
  }

  private JsonNode recommend(String... flags) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "recommend",
                "--task",
                "tabular-classification",
                "-r",
                "hf",
                "--runs",
                "20",
                "--json"));
    args.addAll(List.of(flags));
    CliResult r = gpux(args.toArray(String[]::new));
    assertEquals(0, r.exitCode(), r.toString());
    return MAPPER.readTree(r.out());
  }

  private static List<String> refs(JsonNode answer) {
    List<String> out = new ArrayList<>();
    answer.get("recommendations").forEach(r -> out.add(r.get("ref").asText()));
    return out;
  }

  private static String why(JsonNode answer, String ref) {
    for (JsonNode e : answer.get("excluded")) {
      if (e.get("ref").asText().equals(ref)) {
        return e.get("why").asText();
      }
    }
    throw new AssertionError(ref + " not excluded: " + answer);
  }

  @Test
  void eachObjectiveRanksAndEachConstraintFilters() throws Exception {
    JsonNode best = recommend("--top", "4");
    assertEquals(
        List.of("hf:acme/large", "hf:acme/small", "hf:acme/tiny", "hf:acme/unrated"),
        refs(best),
        "most accurate first, the one stating no accuracy last");
    JsonNode first = best.get("recommendations").get(0);
    assertEquals("hf", first.get("registry").asText());
    assertEquals("tabular-classification", first.get("task").asText());
    assertEquals(0.91, first.get("accuracy").get("value").asDouble(), 1e-9);
    assertEquals("accuracy", first.get("accuracy").get("metric").asText());
    assertEquals("hf model-index", first.get("accuracy").get("source").asText());
    assertTrue(first.get("latency_ms").get("measured").asBoolean(), first.toString());
    assertTrue(first.get("latency_ms").get("p50").asDouble() > 0, first.toString());
    assertTrue(first.get("size_bytes").asLong() > 768 * 768 * 3 * 4, first.toString());
    assertTrue(
        best.get("recommendations").get(3).get("reasons").toString().contains("ranked below"),
        best.toString());

    assertEquals("hf:acme/tiny", refs(recommend("--prefer", "size")).get(0));
    // The three small models take microseconds (a tie within noise); the large one is last.
    List<String> fastest = refs(recommend("--prefer", "latency", "--top", "4"));
    assertEquals("hf:acme/large", fastest.get(3), fastest.toString());
    assertEquals(
        "hf:acme/small",
        refs(recommend("--prefer", "latency", "--min-accuracy", "0.8")).get(0),
        "the fastest above the accuracy floor");
    JsonNode sized = recommend("--max-size", "1MB");
    assertEquals("hf:acme/small", refs(sized).get(0));
    assertTrue(why(sized, "hf:acme/large").contains("over --max-size"), sized.toString());
    JsonNode licensed = recommend("--license", "MIT");
    assertEquals(List.of("hf:acme/tiny", "hf:acme/unrated"), refs(licensed));
    assertTrue(why(licensed, "hf:acme/large").contains("license apache-2.0"), licensed.toString());
    double large = first.get("latency_ms").get("p50").asDouble();
    JsonNode fast = recommend("--max-latency-ms", Double.toString(large * 0.5));
    assertFalse(refs(fast).contains("hf:acme/large"), fast.toString());
    assertTrue(why(fast, "hf:acme/large").contains("over --max-latency-ms"), fast.toString());
    JsonNode one = recommend("--top", "1");
    assertEquals(1, one.get("recommendations").size());
    assertTrue(why(one, "hf:acme/small").contains("below --top 1"), one.toString());

    CliResult table = gpux("recommend", "--task", "tabular-classification", "-r", "hf");
    assertEquals(0, table.exitCode(), table.toString());
    assertTrue(table.out().startsWith("1. hf:acme/large"), table.out());
  }

  @Test
  void latenciesAreCachedPerMachineFingerprint() throws Exception {
    JsonNode a = recommend();
    for (JsonNode r : a.get("recommendations")) {
      assertFalse(r.get("latency_ms").get("cached").asBoolean(), r.toString());
    }
    JsonNode b = recommend();
    for (JsonNode r : b.get("recommendations")) {
      assertTrue(r.get("latency_ms").get("cached").asBoolean(), "measured once: " + r);
    }
    assertEquals(4, rows("SELECT COUNT(*) FROM recommend_latency"));
    // The same models measured on another machine: this one's cache misses and measures again.
    sql("UPDATE recommend_latency SET cpu_model = 'Another CPU'");
    JsonNode c = recommend();
    for (JsonNode r : c.get("recommendations")) {
      assertFalse(r.get("latency_ms").get("cached").asBoolean(), r.toString());
    }
    assertEquals(8, rows("SELECT COUNT(*) FROM recommend_latency"));
    assertEquals(
        a.get("query").get("machine").get("cores").asInt(),
        Runtime.getRuntime().availableProcessors());
  }

  @Test
  void withoutMeasuringLatencyIsAnEstimateCalibratedHere() throws Exception {
    JsonNode none = recommend("--no-measure", "--prefer", "size");
    assertTrue(
        none.get("recommendations").get(0).get("latency_ms").isNull(),
        "nothing measured here yet: no estimate " + none);
    // Two models measured; the other two are estimated from their FLOPs.
    recommend("--max-candidates", "2");
    JsonNode est = recommend("--no-measure", "--top", "4");
    int estimated = 0;
    for (JsonNode r : est.get("recommendations")) {
      JsonNode l = r.get("latency_ms");
      assertTrue(l.get("p50").asDouble() > 0, r.toString());
      if (!l.get("measured").asBoolean()) {
        estimated++;
        assertTrue(r.get("reasons").toString().contains("estimate from its FLOPs"), r.toString());
      }
    }
    assertEquals(2, estimated, est.toString());
    // Offline: the store's models, no registry asked; their task comes from the index (the cached
    // answers, or the lineage their pull recorded), so the task filter keeps them.
    env.put("GPUX_OFFLINE", "1");
    hub.close();
    JsonNode offline = recommend("--no-measure");
    assertEquals("hf:acme/large", refs(offline).get(0), offline.toString());
  }

  @Test
  void badInputIsOneLineAndExitTwo() {
    CliResult task = gpux("recommend", "--task", "tabular-clasification", "-r", "hf");
    assertEquals(2, task.exitCode(), task.toString());
    assertTrue(task.err().contains("did you mean tabular-classification"), task.err());
    CliResult tight =
        gpux("recommend", "--task", "tabular-classification", "-r", "hf", "--max-size", "1KB");
    assertEquals(2, tight.exitCode(), tight.toString());
    assertTrue(tight.err().contains("--max-size 1.0 KB excludes every candidate"), tight.err());
    CliResult both =
        gpux(
            "recommend",
            "--task",
            "tabular-classification",
            "-r",
            "hf",
            "--min-accuracy",
            "0.9",
            "--license",
            "mit");
    assertEquals(2, both.exitCode(), both.toString());
    assertTrue(both.err().contains("together exclude every candidate"), both.err());
    CliResult size = gpux("recommend", "--task", "tabular-classification", "--max-size", "10XB");
    assertEquals(2, size.exitCode(), size.toString());
    assertTrue(size.err().contains("--max-size 10XB is not a size"), size.err());
    hub.close();
    env.put("GPUX_SEARCH_CACHE", "0"); // not the answer kept from the queries above
    CliResult down = gpux("recommend", "--task", "tabular-classification", "-r", "hf");
    assertEquals(2, down.exitCode(), down.toString());
    assertTrue(down.err().contains("no registry answered"), down.err());
    for (CliResult r : List.of(task, tight, both, size, down)) {
      assertFalse(r.err().contains("\tat "), r.err());
      String[] lines = r.err().strip().split("\n");
      assertTrue(
          lines[lines.length - 3].startsWith("gpux: error: ")
              && lines[lines.length - 2].startsWith("hint: ")
              && lines[lines.length - 1].startsWith("see: docs/troubleshooting.md#"),
          "one error line, its hint and its entry: " + r.err());
      assertEquals(1, r.err().split("gpux: error", -1).length - 1, r.err());
    }
  }

  @Test
  void helpShowsEveryOption() {
    CliResult help = gpux("recommend", "--help");
    assertEquals(0, help.exitCode(), help.toString());
    for (String option :
        List.of(
            "--task",
            "--registry",
            "--max-latency-ms",
            "--max-size",
            "--min-accuracy",
            "--license",
            "--prefer",
            "--top",
            "--max-candidates",
            "--measure",
            "--no-measure",
            "--json")) {
      assertTrue(help.out().contains(option), option + " in " + help.out());
    }
  }

  private long rows(String query) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + home.resolve("index.db"));
        ResultSet r = c.createStatement().executeQuery(query)) {
      return r.next() ? r.getLong(1) : -1;
    }
  }

  private void sql(String statement) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + home.resolve("index.db"))) {
      c.createStatement().executeUpdate(statement);
    }
  }
}
