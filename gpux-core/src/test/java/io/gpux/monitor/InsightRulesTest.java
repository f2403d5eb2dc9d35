package io.gpux.monitor;

import static io.gpux.monitor.Histories.NOW;
import static io.gpux.monitor.Histories.ago;
import static io.gpux.monitor.Histories.replaced;
import static io.gpux.monitor.Histories.row;
import static io.gpux.monitor.Histories.served;
import static io.gpux.monitor.Histories.steady;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gpux.index.BenchmarkTables;
import io.gpux.index.BenchmarkTables.BenchmarkRow;
import io.gpux.index.HistoryTables.Event;
import io.gpux.index.HistoryTables.Sample;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each rule fires on its pattern and stays silent on a steady history (no false alarms). */
class InsightRulesTest {
  private final InsightRules rules = new InsightRules(InsightRules.Thresholds.DEFAULT);

  private static InsightRules.Input input(List<Sample> samples, List<Event> events) {
    return new InsightRules.Input(NOW, samples, events, List.of(), List.of());
  }

  private static List<Sample> steadyHour() {
    return steady("fraud", "3", 3, ago(Duration.ofHours(1)), NOW);
  }

  @Test
  void aSteadyHistorySaysNothing() {
    List<Insight> found =
        rules.run(input(steadyHour(), List.of(served(ago(Duration.ofHours(1)), "fraud", "3"))));
    assertEquals(List.of(), found);
  }

  @Test
  void aSlowerVersionAfterAReplacementIsARegressionWithItsRollback() {
    Instant switched = ago(Duration.ofMinutes(10));
    List<Sample> h = new ArrayList<>(steady("fraud", "3", 3, ago(Duration.ofHours(1)), switched));
    h.addAll(steady("fraud", "4", 8, switched, NOW));
    List<Event> events =
        List.of(
            served(ago(Duration.ofHours(1)), "fraud", "3"),
            replaced(switched, "fraud", "4", "3", "mlflow:fraud@champion"));
    List<Insight> found = rules.regressions(input(h, events));
    assertEquals(1, found.size(), found.toString());
    Insight i = found.get(0);
    assertEquals("gpux rollback mlflow:fraud@champion", i.action());
    assertTrue(i.title().contains("since 4 replaced 3 at 2026-12-02 14:20 UTC"), i.title());
    assertTrue(i.title().matches("(p50|p99|mean latency) rose \\d+% .*"), i.title());
  }

  @Test
  void aWarmUpTailOnTheOldVersionDoesNotHideASlowerMedian() {
    Instant switched = ago(Duration.ofMinutes(10));
    List<Sample> h = new ArrayList<>();
    h.add(row(ago(Duration.ofMinutes(14)), "fraud", "3", 100, 300, 0.1, 0, 0, 2, new long[3]));
    h.addAll(steady("fraud", "3", 0.8, ago(Duration.ofMinutes(13)), switched));
    h.addAll(steady("fraud", "4", 3, switched, NOW));
    List<Event> events = List.of(replaced(switched, "fraud", "4", "3", "hf:org/fraud@main"));
    List<Insight> found = rules.regressions(input(h, events));
    assertEquals(1, found.size(), found.toString());
    assertTrue(found.get(0).title().startsWith("p50 rose"), found.get(0).title());
  }

  @Test
  void anEquallyFastVersionIsNoRegression() {
    Instant switched = ago(Duration.ofMinutes(10));
    List<Sample> h = new ArrayList<>(steady("fraud", "3", 3, ago(Duration.ofHours(1)), switched));
    h.addAll(steady("fraud", "4", 3, switched, NOW));
    List<Event> events = List.of(replaced(switched, "fraud", "4", "3", "mlflow:fraud@champion"));
    assertEquals(List.of(), rules.regressions(input(h, events)));
    // and a faster one neither
    List<Sample> faster =
        new ArrayList<>(steady("fraud", "3", 8, ago(Duration.ofHours(1)), switched));
    faster.addAll(steady("fraud", "4", 3, switched, NOW));
    assertEquals(List.of(), rules.regressions(input(faster, events)));
  }

  @Test
  void tooFewRequestsAfterTheSwitchSayNothingYet() {
    Instant switched = ago(Duration.ofSeconds(5));
    List<Sample> h = new ArrayList<>(steady("fraud", "3", 3, ago(Duration.ofHours(1)), switched));
    h.add(row(switched, "fraud", "4", 10, 50, 0.1, 0, 0, 1, new long[3]));
    List<Event> events = List.of(replaced(switched, "fraud", "4", "3", null));
    assertEquals(List.of(), rules.regressions(input(h, events)));
  }

  @Test
  void queueTimeDominatingComputeAsksForWorkersOrBatching() {
    List<Sample> h = new ArrayList<>();
    for (Instant t = ago(Duration.ofMinutes(10)); t.isBefore(NOW); t = t.plusSeconds(5)) {
      h.add(row(t, "fraud", "3", 100, 20, 0.8, 0, 0, 8, new long[3]));
    }
    List<Insight> found = rules.queueDominates(input(h, List.of()));
    assertEquals(1, found.size());
    assertTrue(found.get(0).action().contains("--workers"), found.get(0).action());
    assertEquals(List.of(), rules.queueDominates(input(steadyHour(), List.of())));
    // one request at a time: its queue time is the batch delay, not a lack of workers
    List<Sample> alone = new ArrayList<>();
    for (Instant t = ago(Duration.ofMinutes(10)); t.isBefore(NOW); t = t.plusSeconds(5)) {
      alone.add(row(t, "fraud", "3", 100, 20, 0.8, 100, 100, 1, new long[3]));
    }
    assertEquals(List.of(), rules.queueDominates(input(alone, List.of())));
  }

  @Test
  void batchesOfOneUnderConcurrencyAreBatchingThatDoesNothing() {
    List<Sample> h = new ArrayList<>();
    List<Sample> good = new ArrayList<>();
    for (Instant t = ago(Duration.ofMinutes(10)); t.isBefore(NOW); t = t.plusSeconds(5)) {
      h.add(row(t, "fraud", "3", 100, 3, 0.1, 100, 100, 6, new long[3]));
      good.add(row(t, "fraud", "3", 100, 3, 0.1, 20, 100, 6, new long[3]));
    }
    List<Insight> found = rules.batchingDoesNothing(input(h, List.of()));
    assertEquals(1, found.size());
    assertTrue(found.get(0).action().contains("--batch-delay-ms"));
    assertEquals(List.of(), rules.batchingDoesNothing(input(good, List.of())));
  }

  @Test
  void anErrorSpikeIsReportedByItsKind() {
    List<Sample> h =
        new ArrayList<>(
            steady("fraud", "3", 3, ago(Duration.ofHours(1)), ago(Duration.ofMinutes(10))));
    for (Instant t = ago(Duration.ofMinutes(10)); t.isBefore(NOW); t = t.plusSeconds(5)) {
      h.add(row(t, "fraud", "3", 100, 3, 0.1, 0, 0, 2, new long[] {0, 0, 20}));
    }
    List<Insight> found = rules.errorSpikes(input(h, List.of()));
    assertEquals(1, found.size(), found.toString());
    assertTrue(
        found.get(0).title().startsWith("overload errors: 13.3% of requests in the last 15m"),
        found.get(0).title());
    assertTrue(found.get(0).action().contains("--workers"));
    assertEquals(List.of(), rules.errorSpikes(input(steadyHour(), List.of())));
  }

  @Test
  void aSteadyErrorRateIsNoSpike() {
    List<Sample> h = new ArrayList<>();
    for (Instant t = ago(Duration.ofHours(1)); t.isBefore(NOW); t = t.plusSeconds(5)) {
      h.add(row(t, "fraud", "3", 100, 3, 0.1, 0, 0, 2, new long[] {10, 0, 0}));
    }
    assertEquals(List.of(), rules.errorSpikes(input(h, List.of())));
  }

  @Test
  void aGpuProviderAskedForAndCpuUsedIsAFallback() {
    Event fell =
        new Event(
            ago(Duration.ofHours(1)),
            "fraud",
            "served",
            "3",
            null,
            null,
            "cuda",
            "CPUExecutionProvider");
    Event fine =
        new Event(
            ago(Duration.ofHours(1)),
            "fraud",
            "served",
            "3",
            null,
            null,
            "cuda",
            "CUDAExecutionProvider");
    assertEquals(1, rules.cpuFallback(input(List.of(), List.of(fell))).size());
    assertEquals(List.of(), rules.cpuFallback(input(List.of(), List.of(fine))));
    assertEquals(
        List.of(), rules.cpuFallback(input(List.of(), List.of(served(NOW, "fraud", "3")))));
  }

  @Test
  void memoryNearTheLimitIsReported() {
    Sample s = row(ago(Duration.ofMinutes(1)), "fraud", "3", 100, 3, 0.1, 0, 0, 2, new long[3]);
    Sample full =
        new Sample(
            s.resolution(),
            s.at(),
            s.model(),
            s.version(),
            s.provider(),
            s.seconds(),
            s.succeeded(),
            s.failed(),
            0,
            0,
            0,
            0,
            s.requestBuckets(),
            s.queueBuckets(),
            s.computeBuckets(),
            s.requestSeconds(),
            s.queueSeconds(),
            s.computeSeconds(),
            0,
            0,
            2,
            1,
            15L << 30,
            16L << 30);
    assertEquals(1, rules.memoryNearLimit(input(List.of(full), List.of())).size());
    assertEquals(List.of(), rules.memoryNearLimit(input(List.of(s), List.of())));
  }

  @Test
  void aStoredModelUnusedForMonthsIsIdleWithTheBytesFreed() {
    InsightRules.StoredModel old =
        new InsightRules.StoredModel(
            "hf:org/old", 300L << 20, ago(Duration.ofDays(90)), List.of("old"));
    InsightRules.StoredModel busy =
        new InsightRules.StoredModel(
            "hf:org/fraud", 300L << 20, ago(Duration.ofDays(90)), List.of("fraud"));
    InsightRules.StoredModel fresh =
        new InsightRules.StoredModel(
            "hf:org/new", 1L << 20, ago(Duration.ofDays(1)), List.of("new"));
    List<Insight> found =
        rules.idleModels(
            new InsightRules.Input(
                NOW, steadyHour(), List.of(), List.of(old, busy, fresh), List.of()));
    assertEquals(1, found.size(), found.toString());
    assertEquals("gpux rm hf:org/old (frees up to 300.0 MB)", found.get(0).action());
  }

  @Test
  void anOutdatedModelNamesTheUpdate() {
    var in =
        new InsightRules.Input(
            NOW,
            List.of(),
            List.of(),
            List.of(),
            List.of(new InsightRules.Outdated("hf:org/m@main", "abc", "def")));
    assertEquals("gpux update hf:org/m@main", rules.outdated(in).get(0).action());
    assertEquals(List.of(), rules.outdated(input(List.of(), List.of())));
  }

  /** A measurement of {@code model} at {@code batch} rows taking {@code ms} (median). */
  private static BenchmarkRow bench(String model, long batch, double ms) {
    return new BenchmarkRow(
        ago(Duration.ofDays(1)),
        model,
        "/store/" + model + "/model.onnx",
        "CPUExecutionProvider",
        batch,
        10,
        100,
        ms,
        ms,
        ms,
        ms,
        ms,
        ms,
        1000 / ms,
        "0.1.0",
        new BenchmarkTables.Machine("AMD EPYC", 2, "1.29.0"),
        "batch benchmark");
  }

  /** Ten minutes of 8 requests in flight, 80% of their 20 ms queued, batches of {@code rows}. */
  private static List<Sample> queued(long batches, long rows) {
    List<Sample> h = new ArrayList<>();
    for (Instant t = ago(Duration.ofMinutes(10)); t.isBefore(NOW); t = t.plusSeconds(5)) {
      h.add(row(t, "fraud", "3", 100, 20, 0.8, batches, rows, 8, new long[3]));
    }
    return h;
  }

  private static InsightRules.Input withBenchmarks(List<Sample> h, List<BenchmarkRow> b) {
    return new InsightRules.Input(NOW, h, List.of(), List.of(), List.of(), b);
  }

  @Test
  void theQueueRuleEstimatesItsGainFromTheMeasuredBatchCurve() {
    // batch 1: 2 ms (500 rows/s), batch 8: 4 ms (2000 rows/s), batch 32: 20 ms (1600 rows/s)
    List<BenchmarkRow> curve =
        List.of(bench("fraud", 1, 2), bench("mlflow:fraud@3", 8, 4), bench("fraud", 32, 20));
    List<Insight> found = rules.queueDominates(withBenchmarks(queued(100, 100), curve));
    assertEquals(1, found.size(), found.toString());
    Insight i = found.get(0);
    assertTrue(i.action().startsWith("raise --max-batch-size to 8"), i.action());
    assertTrue(i.action().contains("4.0x the rows per second of batches of 1"), i.action());
    assertTrue(
        i.evidence().stream()
            .anyMatch(
                e ->
                    e.startsWith("measured batch curve (gpux batch benchmark on AMD EPYC")
                        && e.contains("batch 8 4.00 ms (2000 rows/s)")),
        i.evidence().toString());
    assertTrue(
        i.evidence().stream()
            .anyMatch(e -> e.startsWith("expected gain: 4.0x the capacity") && e.contains("4.00")),
        "16 ms of queue / 4 = 4 ms: " + i.evidence());
    // Batches of 8 formed already: the curve has nothing more to give, so more workers it is.
    Insight flat = rules.queueDominates(withBenchmarks(queued(100, 800), curve)).get(0);
    assertTrue(
        flat.action().startsWith("raise --workers: larger batches would not help"), flat.action());
    // A curve of another model, or one batch size only, is no curve: the plain advice stands.
    for (List<BenchmarkRow> none :
        List.of(
            List.of(bench("other", 1, 2), bench("other", 8, 4)), List.of(bench("fraud", 1, 2)))) {
      Insight plain = rules.queueDominates(withBenchmarks(queued(100, 100), none)).get(0);
      assertTrue(plain.action().startsWith("raise --max-batch-size (batches"), plain.action());
      assertTrue(
          plain.evidence().get(1).contains("gpux batch benchmark fraud --batch-sizes 1,8,32"),
          plain.evidence().toString());
    }
    // Silent on a steady history, curve or not.
    assertEquals(List.of(), rules.queueDominates(withBenchmarks(steadyHour(), curve)));
  }

  @Test
  void aModelWithAFixedFirstDimensionUnderConcurrencyCannotBatch() {
    Event fixed =
        new Event(
            ago(Duration.ofHours(1)),
            "fraud",
            InsightRules.CANNOT_BATCH,
            "3",
            null,
            null,
            null,
            "CPUExecutionProvider");
    List<Event> events = List.of(served(ago(Duration.ofHours(1)), "fraud", "3"), fixed);
    List<Insight> found = rules.cannotBatch(input(queued(0, 0), events));
    assertEquals(1, found.size(), found.toString());
    assertTrue(
        found.get(0).title().startsWith("fraud cannot batch (its first dimension is fixed)"));
    assertTrue(found.get(0).action().startsWith("raise --workers"), found.get(0).action());
    // The queue rule does not then advise batching the unbatchable.
    Insight queue = rules.queueDominates(input(queued(0, 0), events)).get(0);
    assertTrue(
        queue.action().startsWith("raise --workers (its first dimension is fixed"), queue.action());
    // Silent: a steady history of the same model, one request at a time, or a batchable model.
    assertEquals(List.of(), rules.cannotBatch(input(steadyHour(), events)));
    List<Sample> alone = new ArrayList<>();
    for (Instant t = ago(Duration.ofMinutes(10)); t.isBefore(NOW); t = t.plusSeconds(5)) {
      alone.add(row(t, "fraud", "3", 100, 20, 0.8, 0, 0, 1, new long[3]));
    }
    assertEquals(List.of(), rules.cannotBatch(input(alone, events)));
    assertEquals(List.of(), rules.cannotBatch(input(queued(0, 0), List.of(events.get(0)))));
    // A newer version that can batch is judged on its own.
    List<Sample> v4 = new ArrayList<>();
    for (Instant t = ago(Duration.ofMinutes(10)); t.isBefore(NOW); t = t.plusSeconds(5)) {
      v4.add(row(t, "fraud", "4", 100, 20, 0.8, 0, 0, 8, new long[3]));
    }
    assertEquals(List.of(), rules.cannotBatch(input(v4, events)));
  }

  @Test
  void everyRuleTheIssueListsIsRunAndSilentOnASteadyHistory() {
    List<Insight> found =
        rules.run(
            new InsightRules.Input(
                NOW,
                steadyHour(),
                List.of(served(ago(Duration.ofHours(1)), "fraud", "3")),
                List.of(),
                List.of(),
                List.of(bench("fraud", 1, 2), bench("fraud", 8, 4))));
    assertEquals(List.of(), found);
  }
}
