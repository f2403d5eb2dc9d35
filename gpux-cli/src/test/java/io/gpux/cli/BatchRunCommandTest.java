package io.gpux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gpux.Gpux;
import io.gpux.config.GpuxSettings;
import io.gpux.digest.Sha256;
import io.gpux.testing.OnnxModels;
import io.gpux.testing.Slow;
import io.gpux.testing.hf.FakeHfHub;
import io.gpux.testing.hf.Fault;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gpux batch run} and {@code gpux batch benchmark} as a user types them. */
class BatchRunCommandTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  @TempDir Path dir;
  private Map<String, String> env;

  @BeforeEach
  void setUp() {
    env = Map.of("GPUX_HOME", dir.resolve("home").toString());
  }

  private CliResult run(String... args) {
    return CliResult.run(dir, env, args);
  }

  /** float32 x[batch, 4] + c, in folder {@code name}. */
  private void adder(String name, float c) throws Exception {
    OnnxModels.addConstant(Files.createDirectories(dir.resolve(name)).resolve("model.onnx"), c);
  }

  private List<String> models(int n) throws Exception {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      adder("m" + i, i);
      names.add("m" + i);
    }
    Files.writeString(
        dir.resolve("models.txt"), "# the models\n" + String.join("\n", names) + "\n");
    return names;
  }

  private List<String> data(int lines) throws Exception {
    List<String> out = new ArrayList<>();
    for (int j = 0; j < lines; j++) {
      out.add("{\"x\": [[" + j + ", 1.5, -2, 3e-3]]}");
    }
    Files.writeString(dir.resolve("data.jsonl"), String.join("\n", out) + "\n");
    return out;
  }

  private static Map<String, String> byPair(String jsonl) throws Exception {
    Map<String, String> out = new HashMap<>();
    for (String line : jsonl.split("\n")) {
      if (!line.isEmpty()) {
        JsonNode r = MAPPER.readTree(line);
        assertNull(out.put(r.get("model").asText() + "#" + r.get("line").asInt(), line), line);
      }
    }
    return out;
  }

  @Test
  void resultsAreWhatRunJsonPrintsForEachLine() throws Exception {
    List<String> models = models(3);
    List<String> lines = data(5);
    CliResult r =
        run("batch", "run", "-f", "models.txt", "--input", "data.jsonl", "-o", "out/results.jsonl");
    assertEquals(0, r.exitCode(), r.toString());
    assertTrue(r.out().contains("MODEL") && r.out().contains("m2"), "the summary table: " + r);
    Map<String, String> results = byPair(Files.readString(dir.resolve("out/results.jsonl")));
    assertEquals(15, results.size());
    for (String m : models) {
      for (int j = 0; j < lines.size(); j++) {
        CliResult single = run("run", m, "--input", lines.get(j), "--json", "-q");
        assertEquals(0, single.exitCode(), single.toString());
        assertEquals(
            "{\"model\":\"" + m + "\",\"line\":" + j + ",\"outputs\":" + single.out().strip() + "}",
            results.get(m + "#" + j));
      }
    }
  }

  @Test
  void resultsStreamOnStdoutAndTheJsonSummaryGoesToStderr() throws Exception {
    models(2);
    data(3);
    Files.writeString(
        dir.resolve("data.jsonl"),
        "{\"x\": [[1, 2, 3]]}\n",
        java.nio.file.StandardOpenOption.APPEND);
    CliResult r = run("batch", "run", "m0", "m1", "--input", "data.jsonl", "--json");
    assertEquals(1, r.exitCode(), "a line that does not fit: " + r);
    Map<String, String> results = byPair(r.out());
    assertEquals(8, results.size());
    assertTrue(MAPPER.readTree(results.get("m1#3")).get("error").asText().contains("x"), r.out());
    JsonNode summary = MAPPER.readTree(r.err().strip());
    assertEquals(8, summary.get("summary").get("lines").asInt());
    assertEquals(2, summary.get("summary").get("errors").asInt());
    assertEquals("m0", summary.get("models").get(0).get("model").asText());
    assertEquals(
        "CPUExecutionProvider", summary.get("models").get(0).get("provider").asText(), r.err());
    assertFalse(r.err().contains("Exception"), r.toString());
  }

  @Test
  void aJobsFileRunsEachJobIntoItsOwnOutput() throws Exception {
    models(2);
    data(4);
    Files.createDirectories(dir.resolve("batch"));
    Files.writeString(
        dir.resolve("batch/jobs.yml"),
        "jobs:\n"
            + "  - model: m0\n"
            + "    input: ../data.jsonl\n"
            + "    output: out/m0.jsonl\n"
            + "  - model: m1\n"
            + "    input: ../data.jsonl\n"
            + "    output: out/m1.jsonl\n");
    CliResult r = run("batch", "run", "batch/jobs.yml", "--json");
    // Models are references, resolved as on the command line (against the working directory);
    // the input and output paths are relative to the file.
    assertEquals(0, r.exitCode(), r.toString());
    assertEquals(4, byPair(Files.readString(dir.resolve("batch/out/m0.jsonl"))).size());
    assertEquals(4, byPair(Files.readString(dir.resolve("batch/out/m1.jsonl"))).size());
    assertEquals(8, MAPPER.readTree(r.out()).get("summary").get("lines").asInt(), r.out());

    Files.writeString(dir.resolve("bad.yml"), "jobs:\n  - model: m0\n    input: data.jsonl\n");
    CliResult bad = run("batch", "run", "bad.yml");
    assertEquals(2, bad.exitCode(), bad.toString());
    assertEquals(
        "gpux: error: " + dir.resolve("bad.yml") + ":2: jobs[0].output is required",
        bad.err().lines().findFirst().orElse(""));
  }

  @Test
  void badInputIsOneLineAndExitTwoBeforeAnythingRuns() throws Exception {
    models(1);
    data(2);
    Files.writeString(dir.resolve("blocker"), "a file");
    CliResult unwritable =
        run("batch", "run", "m0", "--input", "data.jsonl", "-o", "blocker/results.jsonl");
    assertEquals(2, unwritable.exitCode(), unwritable.toString());
    assertTrue(
        unwritable.err().startsWith("gpux: error: cannot write results to "),
        unwritable.toString());
    assertTrue(unwritable.err().contains("\nhint: "), unwritable.toString());
    assertFalse(unwritable.err().contains("Exception"), unwritable.toString());
    assertEquals("", unwritable.out());

    CliResult noInput = run("batch", "run", "m0");
    assertEquals(2, noInput.exitCode(), noInput.toString());
    assertTrue(noInput.err().startsWith("gpux: error: batch run needs inputs"), noInput.err());

    CliResult missing = run("batch", "run", "m0", "--input", "absent.jsonl");
    assertEquals(2, missing.exitCode(), missing.toString());
    assertTrue(missing.err().startsWith("gpux: error: no such input file"), missing.err());

    CliResult shard = run("batch", "run", "m0", "--input", "data.jsonl", "--shard", "4/4");
    assertEquals(2, shard.exitCode(), shard.toString());
    assertTrue(shard.err().startsWith("gpux: error: shard 4/4 does not exist"), shard.err());

    CliResult memory = run("batch", "run", "m0", "--input", "data.jsonl", "--max-memory", "lots");
    assertEquals(2, memory.exitCode(), memory.toString());
    assertTrue(
        memory.err().startsWith("gpux: error: --max-memory lots is not a size"), memory.err());

    CliResult resume = run("batch", "run", "m0", "--input", "data.jsonl", "--resume");
    assertEquals(2, resume.exitCode(), resume.toString());
    assertTrue(resume.err().contains("--resume needs an output file"), resume.err());
  }

  @Test
  void shardsOfTheCommandLineCoverTheWorkOnce() throws Exception {
    models(4);
    data(6);
    CliResult whole = run("batch", "run", "-f", "models.txt", "--input", "data.jsonl");
    assertEquals(0, whole.exitCode(), whole.toString());
    Map<String, String> union = new HashMap<>();
    for (int i = 0; i < 3; i++) {
      CliResult part =
          run("batch", "run", "-f", "models.txt", "--input", "data.jsonl", "--shard", i + "/3");
      assertEquals(0, part.exitCode(), part.toString());
      for (Map.Entry<String, String> e : byPair(part.out()).entrySet()) {
        assertNull(union.put(e.getKey(), e.getValue()), "in two shards: " + e);
      }
    }
    assertEquals(byPair(whole.out()), union);
  }

  @Test
  void relativeAndAbsolutePathsInTheListAreModelsAsRunTakesThem() throws Exception {
    models(2);
    data(2);
    String absolute = dir.resolve("m1/model.onnx").toString();
    Files.writeString(dir.resolve("paths.txt"), "./m0\n" + absolute + "\n");
    CliResult r = run("batch", "run", "-f", "paths.txt", "--input", "data.jsonl");
    assertEquals(0, r.exitCode(), r.toString());
    Map<String, String> results = byPair(r.out());
    assertEquals(4, results.size(), r.out());
    assertTrue(results.containsKey("./m0#1") && results.containsKey(absolute + "#0"), r.out());
  }

  @Test
  void everyBatchSubcommandAnswersHelp() {
    for (String sub : List.of("run", "benchmark")) {
      CliResult r = run("batch", sub, "--help");
      assertEquals(0, r.exitCode(), r.toString());
      assertTrue(r.out().startsWith("Usage: gpux batch " + sub), r.toString());
    }
    assertTrue(run("batch").out().contains("benchmark"));
  }

  @Test
  void benchmarkPrintsOneTableAndKeepsTheMeasurements() throws Exception {
    models(3);
    Files.writeString(dir.resolve("models.txt"), "m0\nm1\nmissing-model\nm2\n");
    CliResult table = run("batch", "benchmark", "-f", "models.txt", "--runs", "5", "--warmup", "1");
    assertEquals(1, table.exitCode(), "one model is missing: " + table);
    assertTrue(table.out().contains("MEDIAN") && table.out().contains("m2"), table.toString());
    assertTrue(table.err().contains("gpux: missing-model: "), table.toString());
    CliResult json =
        run("batch", "benchmark", "m0", "m1", "--runs", "5", "--warmup", "0", "--json");
    assertEquals(0, json.exitCode(), json.toString());
    JsonNode models = MAPPER.readTree(json.out()).get("models");
    assertEquals(2, models.size());
    assertEquals(5, models.get(0).get("runs").asInt());
    assertEquals(1, models.get(0).get("batch_size").asInt());
    try (Gpux gpux = Gpux.open(dir, GpuxSettings.fromEnvironment(env, dir))) {
      assertEquals(5, gpux.batch().benchmarks(null).size(), "3 + 2 measurements kept");
      assertEquals(2, gpux.batch().benchmarks("m0").size());
      assertTrue(gpux.batch().benchmarks("m0").get(0).modelFile().endsWith("model.onnx"));
    }
  }

  /**
   * A batch killed with SIGKILL in the middle and run again with --resume ends with every pair
   * exactly once, as an uninterrupted run writes them. The kill comes at a known point, not at a
   * moment raced for: with one job the models run in list order, and the sixth is a hub model whose
   * weights stall after 700 kB, so the batch is held there with exactly the first five models'
   * lines written.
   */
  @Slow
  @Test
  void aKilledBatchResumes() throws Exception {
    models(10);
    data(20);
    byte[] model = Files.readAllBytes(OnnxModels.addOne(dir.resolve("src/model.onnx")));
    byte[] weights = new byte[2_000_000];
    new Random(7).nextBytes(weights);
    try (FakeHfHub hub = FakeHfHub.start()) {
      hub.repo("acme/held")
          .file("model.onnx", model)
          .lfsFile("model.onnx_data", weights)
          .commit("c");
      // Held for longer than any test runs: the process is killed while it waits.
      hub.faults().next(Sha256.hex(weights), Fault.stall(700_000, Duration.ofMinutes(30)));
      Map<String, String> env =
          Map.of("GPUX_HOME", dir.resolve("home").toString(), "HF_ENDPOINT", hub.url());
      // Absolute paths: the child runs in the build's folder, not in dir.
      List<String> refs = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        refs.add(dir.resolve("m" + i).toString());
      }
      refs.add(5, "hf:acme/held");
      Path list = Files.writeString(dir.resolve("absolute.txt"), String.join("\n", refs));
      Path out = dir.resolve("killed.jsonl");
      String[] batch = {
        "batch", "run", "-f", list.toString(), "--input", dir.resolve("data.jsonl").toString()
      };
      List<String> killed = new ArrayList<>(List.of(batch));
      killed.addAll(List.of("-o", out.toString(), "--jobs", "1"));
      Process first =
          CliProcess.start(env, dir.resolve("first.log"), killed.toArray(String[]::new));
      Path tmp = dir.resolve("home/tmp");
      long deadline = System.currentTimeMillis() + 300_000;
      while (CliProcess.partialBytes(tmp) < 700_000
          && first.isAlive()
          && System.currentTimeMillis() < deadline) {
        Thread.sleep(20);
      }
      assertTrue(
          first.isAlive(),
          "held at the stalled pull: " + Files.readString(dir.resolve("first.log")));
      assertEquals(700_000, CliProcess.partialBytes(tmp), "held at the stall");
      assertEquals(100, lines(out), "five models of 20 lines done, nothing after them");
      first.destroyForcibly().waitFor();

      List<String> resume = new ArrayList<>(List.of(batch));
      resume.addAll(List.of("-o", out.toString(), "--resume", "--json"));
      CliResult again = CliResult.run(dir, env, resume.toArray(String[]::new));
      assertEquals(0, again.exitCode(), again.toString());
      JsonNode summary = MAPPER.readTree(again.out()).get("summary");
      assertEquals(100, summary.get("skipped").asInt(), summary.toString());
      assertEquals(120, summary.get("lines").asInt(), summary.toString());
      assertEquals(0, summary.get("errors").asInt(), summary.toString());

      // Exactly once (byPair refuses a pair twice), and as an uninterrupted run writes them.
      CliResult whole = CliResult.run(dir, env, batch);
      assertEquals(0, whole.exitCode(), whole.toString());
      Map<String, String> resumed = byPair(Files.readString(out, StandardCharsets.UTF_8));
      assertEquals(220, resumed.size());
      assertEquals(byPair(whole.out()), resumed);
    }
  }

  private static long lines(Path file) throws Exception {
    if (!Files.exists(file)) {
      return 0;
    }
    try (var s = Files.lines(file)) {
      return s.count();
    }
  }
}
