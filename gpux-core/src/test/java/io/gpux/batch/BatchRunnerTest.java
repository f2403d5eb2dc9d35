package io.gpux.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.gpux.Gpux;
import io.gpux.config.GpuxSettings;
import io.gpux.error.ErrorCategory;
import io.gpux.error.GpuxException;
import io.gpux.json.Json;
import io.gpux.runtime.RuntimeOptions;
import io.gpux.testing.OnnxModels;
import io.gpux.testing.TokenizerFiles;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchRunnerTest {
  private static final int MODELS = 100;
  private static final int LINES = 20;

  @TempDir Path work;
  @TempDir Path home;
  private Gpux gpux;

  @BeforeEach
  void open() {
    gpux =
        Gpux.open(work, GpuxSettings.fromEnvironment(Map.of("GPUX_HOME", home.toString()), home));
  }

  @AfterEach
  void close() {
    gpux.close();
  }

  /** float32 {@code x[batch, 4]} → {@code y = x + c}: each model answers differently. */
  private Path adder(String name, float c) throws Exception {
    Path dir = Files.createDirectories(work.resolve(name));
    OnnxModels.addConstant(dir.resolve("model.onnx"), c);
    return dir;
  }

  private List<String> adders(int n) throws Exception {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String name = String.format("m%03d", i);
      adder(name, i);
      names.add(name);
    }
    return names;
  }

  /** Line j: one row {@code [j, j+1, j+2, j+3]}; every 7th line two rows. */
  private Path data(int lines) throws Exception {
    StringBuilder sb = new StringBuilder();
    for (int j = 0; j < lines; j++) {
      String row = "[" + j + ".5, " + (j + 1) + ", " + (j + 2) + ", " + (j + 3) + "]";
      sb.append("{\"x\": [").append(row).append(j % 7 == 6 ? ", " + row : "").append("]}\n");
    }
    return Files.writeString(work.resolve("data.jsonl"), sb);
  }

  private static List<BatchJob> jobs(List<String> models, Path input, Path output) {
    return models.stream().map(m -> new BatchJob(m, input, output)).toList();
  }

  private static BatchRunOptions options() {
    return BatchRunOptions.defaults().withMaxMemory(1L << 30);
  }

  private static List<JsonNode> rows(Path file) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      out.add(Json.mapper().readTree(line));
    }
    return out;
  }

  private static Map<String, JsonNode> byPair(List<JsonNode> rows) {
    Map<String, JsonNode> out = new HashMap<>();
    for (JsonNode r : rows) {
      JsonNode before = out.put(r.get("model").asText() + "#" + r.get("line").asInt(), r);
      assertNull(before, "a pair twice: " + r);
    }
    return out;
  }

  /**
   * The text `gpux run --json` prints for one input (InferenceModel.predict on its own session),
   * read back as the result lines are, so that both sides compare as the same JSON types.
   */
  private JsonNode single(String model, String input) throws Exception {
    return Json.mapper().readTree(singleText(model, input));
  }

  private String singleText(String model, String input) throws Exception {
    return Json.write(
        gpux.load(model, RuntimeOptions.defaults()).predict(Json.mapper().readTree(input)).toJson(),
        false);
  }

  @Test
  void aHundredModelsRunWithinABudgetOfThreeSessionsAndAnswerAsSingleRunsDo() throws Exception {
    List<String> models = adders(MODELS);
    Path input = data(LINES);
    Path output = work.resolve("out/results.jsonl");
    long oneSession = SessionBudget.estimate(work.resolve("m000/model.onnx"));
    BatchRunner runner =
        gpux.batch().runner(options().withJobs(8).withMaxMemory(3 * oneSession + 4096));
    BatchRunReport report = runner.run(jobs(models, input, output), new StringWriter(), null);
    assertTrue(report.peakSessions() <= 3, "peak " + report.peakSessions());
    assertTrue(report.peakSessions() >= 1);
    assertEquals(0, runner.budget().open(), "every session closed");
    assertEquals(MODELS * LINES, report.lines());
    assertEquals(0, report.errors(), report.toString());
    Map<String, JsonNode> results = byPair(rows(output));
    assertEquals(MODELS * LINES, results.size());
    for (ModelSummary s : report.models()) {
      assertEquals(LINES, s.lines());
      assertEquals("CPUExecutionProvider", s.provider());
      assertTrue(s.calls() < s.lines(), "lines were micro-batched: " + s);
    }
    List<String> inputs = Files.readAllLines(input);
    Set<String> raw = new HashSet<>(Files.readAllLines(output));
    for (int i = 0; i < MODELS; i += 9) {
      for (int j = 0; j < LINES; j += 3) {
        String model = models.get(i);
        assertEquals(
            single(model, inputs.get(j)),
            results.get(model + "#" + j).get("outputs"),
            model + " line " + j);
        String exact =
            "{\"model\":\""
                + model
                + "\",\"line\":"
                + j
                + ",\"outputs\":"
                + singleText(model, inputs.get(j))
                + "}";
        assertTrue(raw.contains(exact), "byte for byte what run --json prints: " + exact);
      }
    }
  }

  @Test
  void badLinesGetErrorLinesAndTheRestOfTheirBatchGoesOn() throws Exception {
    adder("m", 1);
    Path input =
        Files.writeString(
            work.resolve("mixed.jsonl"),
            String.join(
                    "\n",
                    "{\"x\": [[1, 2, 3, 4]]}",
                    "not json",
                    "",
                    "[1, 2]",
                    "{\"x\": [[1, 2, 3]]}",
                    "{\"x\": [[5, 6, 7, 8], [9, 10, 11, 12]]}",
                    "{\"y\": [[1, 2, 3, 4]]}",
                    "{\"x\": [[0, 0, 0, 0]]}")
                + "\n");
    Path output = work.resolve("mixed-out.jsonl");
    BatchRunReport report =
        gpux.batch().run(jobs(List.of("m"), input, output), options(), new StringWriter(), null);
    Map<String, JsonNode> results = byPair(rows(output));
    assertEquals(7, results.size(), "no result for the blank line 2: " + results.keySet());
    assertFalse(results.containsKey("m#2"));
    assertTrue(results.get("m#1").get("error").asText().contains("not JSON"));
    assertTrue(results.get("m#3").get("error").asText().contains("not a JSON object"));
    assertTrue(results.get("m#4").has("error"), results.get("m#4").toString());
    assertTrue(results.get("m#6").has("error"), results.get("m#6").toString());
    List<String> lines = Files.readAllLines(input);
    for (int j : new int[] {0, 5, 7}) {
      assertEquals(single("m", lines.get(j)), results.get("m#" + j).get("outputs"), "line " + j);
    }
    assertEquals(4, report.errors());
    assertEquals(7, report.lines());
  }

  @Test
  void textInputsAreTokenizedAsRunDoesAndBatchedOnlyWhenTheirLengthsAgree() throws Exception {
    Path dir = Files.createDirectories(work.resolve("text"));
    OnnxModels.tokenIdsModel(dir.resolve("model.onnx"));
    TokenizerFiles.wordPiece(
        dir.resolve("tokenizer.json"), List.of("hello", "world", "gpux", "runs", "fast", "!"));
    List<String> inputs =
        List.of(
            "{\"text\": \"hello world\"}",
            "{\"text\": \"gpux runs\"}",
            "{\"text\": \"gpux runs fast !\"}",
            "{\"text\": [\"hello\", \"hello world gpux\"]}",
            "{\"text\": \"world\"}");
    Path input = Files.writeString(work.resolve("text.jsonl"), String.join("\n", inputs) + "\n");
    Path output = work.resolve("text-out.jsonl");
    BatchRunReport report =
        gpux.batch().run(jobs(List.of("text"), input, output), options(), new StringWriter(), null);
    assertEquals(0, report.errors(), report.toString());
    Map<String, JsonNode> results = byPair(rows(output));
    for (int j = 0; j < inputs.size(); j++) {
      assertEquals(single("text", inputs.get(j)), results.get("text#" + j).get("outputs"));
    }
    assertTrue(report.models().get(0).calls() < inputs.size(), "lines 0 and 1 joined");
  }

  @Test
  void shardsTogetherGiveTheUnshardedResultEachPairOnce() throws Exception {
    List<String> models = adders(6);
    Path input = data(15);
    Path whole = work.resolve("whole.jsonl");
    gpux.batch().run(jobs(models, input, whole), options(), new StringWriter(), null);
    Map<String, JsonNode> expected = byPair(rows(whole));
    List<JsonNode> union = new ArrayList<>();
    int shards = 4;
    for (int i = 0; i < shards; i++) {
      Shard shard = new Shard(i, shards);
      Path part = work.resolve("part-" + i + ".jsonl");
      gpux.batch()
          .run(
              jobs(models, input, part), options().withOwns(shard::owns), new StringWriter(), null);
      List<JsonNode> got = rows(part);
      assertTrue(got.size() < expected.size(), "shard " + i + " took only its slice");
      union.addAll(got);
    }
    assertEquals(expected, byPair(union), "each pair exactly once, as the unsharded run");
  }

  @Test
  void resumeCutsATornLastLineAndRunsOnlyWhatIsMissing() throws Exception {
    List<String> models = adders(3);
    Path input = data(10);
    Path output = work.resolve("resume.jsonl");
    gpux.batch().run(jobs(models, input, output), options(), new StringWriter(), null);
    Map<String, JsonNode> expected = byPair(rows(output));
    // What a kill leaves: the first 12 lines whole, the 13th cut in the middle.
    List<String> written = Files.readAllLines(output);
    String torn = written.get(12).substring(0, written.get(12).length() / 2);
    Files.writeString(output, String.join("\n", written.subList(0, 12)) + "\n" + torn);
    BatchRunReport report =
        gpux.batch()
            .run(jobs(models, input, output), options().withResume(true), new StringWriter(), null);
    assertEquals(12, report.models().stream().mapToInt(ModelSummary::skipped).sum());
    assertEquals(30 - 12, report.lines());
    assertEquals(expected, byPair(rows(output)));
    // Once complete, a resume runs nothing and opens no session.
    BatchRunReport again =
        gpux.batch()
            .run(jobs(models, input, output), options().withResume(true), new StringWriter(), null);
    assertEquals(0, again.lines());
    assertEquals(0, again.peakSessions());
  }

  @Test
  void anUnwritableOutputFailsBeforeAnyModelRuns() throws Exception {
    adder("m", 1);
    Path input = data(3);
    Path blocker = Files.writeString(work.resolve("blocker"), "a file, not a folder");
    GpuxException e =
        assertThrows(
            GpuxException.class,
            () ->
                gpux.batch()
                    .run(
                        jobs(List.of("m"), input, blocker.resolve("out.jsonl")),
                        options(),
                        new StringWriter(),
                        null));
    assertEquals(ErrorCategory.INVALID_INPUT, e.category());
    assertTrue(e.problem().startsWith("cannot write results to "), e.problem());
    GpuxException dir =
        assertThrows(
            GpuxException.class,
            () ->
                gpux.batch()
                    .run(jobs(List.of("m"), input, work), options(), new StringWriter(), null));
    assertTrue(dir.problem().contains("it is a folder"), dir.problem());
  }

  @Test
  void aModelThatCannotBeFoundFailsItsLinesAndTheOthersRun() throws Exception {
    adder("good", 2);
    Path input = data(4);
    StringWriter stdout = new StringWriter();
    BatchRunReport report =
        gpux.batch()
            .run(
                jobs(List.of("missing-folder", "hf:acme/not-pulled", "good"), input, null),
                options().withPull(false),
                stdout,
                null);
    Set<String> errors = new HashSet<>();
    int outputs = 0;
    for (String line : stdout.toString().split("\n")) {
      JsonNode r = Json.mapper().readTree(line);
      if (r.has("error")) {
        errors.add(r.get("model").asText());
      } else {
        assertEquals("good", r.get("model").asText());
        outputs++;
      }
    }
    assertEquals(Set.of("missing-folder", "hf:acme/not-pulled"), errors);
    assertEquals(4, outputs);
    assertEquals(8, report.errors());
    assertTrue(report.models().get(1).error().contains("not in the store"), report.toString());
  }

  @Test
  void registryModelsMissingFromTheStoreArePulledFirst() throws Exception {
    try (io.gpux.testing.hf.FakeHfHub hub = io.gpux.testing.hf.FakeHfHub.start()) {
      List<String> refs = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        Path model = adder("src" + i, 10 * i).resolve("model.onnx");
        hub.repo("acme/adder" + i).file("model.onnx", Files.readAllBytes(model)).commit("c");
        refs.add("hf:acme/adder" + i);
      }
      Map<String, String> env =
          Map.of("GPUX_HOME", home.resolve("hub-home").toString(), "HF_ENDPOINT", hub.url());
      Path input = data(5);
      try (Gpux g = Gpux.open(work, GpuxSettings.fromEnvironment(env, home))) {
        StringWriter refused = new StringWriter();
        BatchRunReport none =
            g.batch().run(jobs(refs, input, null), options().withPull(false), refused, null);
        assertEquals(15, none.errors(), "--no-pull: each line of each missing model fails");
        assertTrue(none.models().get(0).error().contains("not in the store"), none.toString());

        Path output = work.resolve("hub.jsonl");
        BatchRunReport report = g.batch().run(jobs(refs, input, output), options(), null, null);
        assertEquals(0, report.errors(), report.toString());
        Map<String, JsonNode> results = byPair(rows(output));
        assertEquals(15, results.size());
        assertEquals(
            20.5, results.get("hf:acme/adder2#0").get("outputs").get("y").get(0).get(0).asDouble());
        assertTrue(g.models().findStored(g.models().reference("hf:acme/adder1")) != null);
      }
    }
  }

  @Test
  void resumeNeedsAnOutputFile() throws Exception {
    adder("m", 1);
    GpuxException e =
        assertThrows(
            GpuxException.class,
            () ->
                gpux.batch()
                    .run(
                        jobs(List.of("m"), data(2), null),
                        options().withResume(true),
                        new StringWriter(),
                        null));
    assertTrue(e.problem().contains("--resume needs an output file"), e.problem());
  }
}
