package io.gpux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gpux.Gpux;
import io.gpux.config.GpuxSettings;
import io.gpux.index.BenchmarkTables.BenchmarkRow;
import io.gpux.testing.OnnxModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command that measures keeps its results in the monitoring history with the machine's
 * fingerprint ({@code run --benchmark}, {@code batch run}, {@code batch benchmark}, {@code compare
 * --measure}), {@code --no-history} keeps nothing, and a history that cannot be stored is a
 * warning: the command still succeeds with its results.
 */
class MeasurementHistoryTest {
  @TempDir Path dir;
  private Map<String, String> env;

  @BeforeEach
  void setUp() throws Exception {
    env = Map.of("GPUX_HOME", dir.resolve("home").toString());
    OnnxModels.addConstant(Files.createDirectories(dir.resolve("m0")).resolve("model.onnx"), 0);
    OnnxModels.addConstant(Files.createDirectories(dir.resolve("m1")).resolve("model.onnx"), 1);
    Files.writeString(dir.resolve("data.jsonl"), "{\"x\": [[1, 2, 3, 4]]}\n".repeat(6));
    Files.writeString(dir.resolve("in.json"), "{\"x\": [[1, 2, 3, 4]]}");
  }

  private CliResult run(String... args) {
    return CliResult.run(dir, env, args);
  }

  private List<BenchmarkRow> kept() {
    try (Gpux gpux = Gpux.open(dir, GpuxSettings.fromEnvironment(env, dir))) {
      return gpux.monitor().benchmarks(null);
    }
  }

  private static void assertFingerprinted(BenchmarkRow r, String source) {
    assertEquals(source, r.source(), r.toString());
    assertNotNull(r.machine(), r.toString());
    assertFalse(r.machine().cpuModel().isBlank(), r.toString());
    assertTrue(r.machine().cores() >= 1, r.toString());
    assertFalse(r.machine().ortVersion().isBlank(), r.toString());
    assertTrue(r.provider().toLowerCase(java.util.Locale.ROOT).startsWith("cpu"), r.toString());
    assertTrue(r.medianMs() > 0 && r.p99Ms() >= r.medianMs(), r.toString());
  }

  @Test
  void everyMeasuringCommandKeepsItsResultsWithTheMachine() {
    CliResult batch =
        run("batch", "run", "m0", "m1", "--input", "data.jsonl", "-o", "out.jsonl", "-q");
    assertEquals(0, batch.exitCode(), batch.toString());
    List<BenchmarkRow> rows = kept();
    assertEquals(2, rows.size(), rows.toString());
    rows.forEach(r -> assertFingerprinted(r, "batch run"));
    assertTrue(rows.get(0).modelFile().endsWith("model.onnx"), rows.toString());
    assertTrue(rows.get(0).runs() >= 1, "the model calls, micro-batched: " + rows);

    CliResult curve =
        run("batch", "benchmark", "m0", "--batch-sizes", "1,4,16", "--runs", "5", "--warmup", "1");
    assertEquals(0, curve.exitCode(), curve.toString());
    List<BenchmarkRow> bench =
        kept().stream().filter(r -> "batch benchmark".equals(r.source())).toList();
    assertEquals(
        List.of(1L, 4L, 16L), bench.stream().map(BenchmarkRow::batchSize).toList(), "the curve");
    bench.forEach(r -> assertFingerprinted(r, "batch benchmark"));

    CliResult compare = run("compare", "m0", "m1", "--measure", "--runs", "5", "--warmup", "1");
    assertEquals(0, compare.exitCode(), compare.toString());
    List<BenchmarkRow> compared =
        kept().stream().filter(r -> "compare --measure".equals(r.source())).toList();
    assertTrue(compared.size() >= 2, "each model at batch 1 at least: " + compared);
    assertEquals(
        List.of("m0", "m1"),
        compared.stream().map(BenchmarkRow::model).distinct().sorted().toList());
    compared.forEach(r -> assertFingerprinted(r, "compare --measure"));

    CliResult single =
        run("run", "m0", "--file", "in.json", "--benchmark", "--runs", "5", "--warmup", "1");
    assertEquals(0, single.exitCode(), single.toString());
    assertFingerprinted(kept().get(kept().size() - 1), "run --benchmark");
  }

  @Test
  void noHistoryKeepsNothing() {
    int before = kept().size();
    assertEquals(
        0,
        run("batch", "run", "m0", "--input", "data.jsonl", "-o", "o.jsonl", "-q", "--no-history")
            .exitCode());
    assertEquals(
        0,
        run("batch", "benchmark", "m0", "--runs", "3", "--warmup", "0", "--no-history").exitCode());
    assertEquals(
        0, run("compare", "m0", "m1", "--measure", "--runs", "3", "--no-history").exitCode());
    assertEquals(
        0,
        run("run", "m0", "--file", "in.json", "--benchmark", "--runs", "3", "--no-history")
            .exitCode());
    assertEquals(before, kept().size());
  }

  @Test
  void aHistoryThatCannotBeStoredIsAWarningNotAFailure() throws Exception {
    kept(); // creates the store and its index
    try (Connection c =
        DriverManager.getConnection(
            "jdbc:sqlite:" + dir.resolve("home/index.db").toAbsolutePath())) {
      // A write that fails as a full disk would, only for the history's table.
      c.createStatement()
          .execute(
              "CREATE TRIGGER refuse BEFORE INSERT ON benchmarks"
                  + " BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END");
    }
    List<List<String>> commands =
        List.of(
            List.of("batch", "run", "m0", "--input", "data.jsonl", "-o", "o.jsonl", "-q"),
            List.of("batch", "benchmark", "m0", "--runs", "3", "--warmup", "0"),
            List.of("compare", "m0", "m1", "--measure", "--runs", "3", "--warmup", "0"),
            List.of("run", "m0", "--file", "in.json", "--benchmark", "--runs", "3"));
    for (List<String> command : commands) {
      CliResult r = run(command.toArray(String[]::new));
      assertEquals(0, r.exitCode(), r.toString());
      assertTrue(
          r.err().contains("gpux: warning: the results were not kept in the history: "),
          r.toString());
      assertTrue(r.err().contains("--no-history"), r.toString());
      assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }
    assertTrue(kept().isEmpty());
  }

  @Test
  void helpShowsNoHistoryOnEveryMeasuringCommand() {
    for (List<String> command :
        List.of(
            List.of("run"),
            List.of("batch", "run"),
            List.of("batch", "benchmark"),
            List.of("compare"))) {
      List<String> args = new java.util.ArrayList<>(command);
      args.add("--help");
      CliResult r = run(args.toArray(String[]::new));
      assertEquals(0, r.exitCode(), r.toString());
      assertTrue(r.out().contains("--no-history"), r.toString());
    }
    assertTrue(run("batch", "benchmark", "--help").out().contains("--batch-sizes"));
  }
}
