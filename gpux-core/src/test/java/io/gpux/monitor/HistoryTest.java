package io.gpux.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gpux.index.HistoryTables.Sample;
import io.gpux.metrics.InferenceMetrics;
import io.gpux.metrics.ModelMetrics;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The recorder against real metrics and a real index database, and retention's roll-ups. */
class HistoryTest {
  @TempDir Path home;

  /** A clock the test moves. */
  static final class MovingClock extends Clock {
    final AtomicReference<Instant> now = new AtomicReference<>(Histories.NOW);

    @Override
    public Instant instant() {
      return now.get();
    }

    void advance(Duration d) {
      now.updateAndGet(t -> t.plus(d));
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

  @Test
  void theRecorderStoresEachIntervalsDifferencesAndAVersionChange() {
    InferenceMetrics metrics = new InferenceMetrics();
    ModelMetrics v3 = metrics.model("fraud", "3");
    v3.loaded("CPUExecutionProvider", 0.1);
    MovingClock clock = new MovingClock();
    List<String> warnings = new ArrayList<>();
    try (History history = History.open(home)) {
      HistoryRecorder r =
          new HistoryRecorder(
              history, metrics, HistoryRecorder.Settings.DEFAULT, clock, warnings::add);
      r.served("fraud", "mlflow:fraud@champion", null);
      r.tick(); // the baseline
      for (int i = 0; i < 10; i++) {
        v3.started();
        v3.finished(true, 1, 3_000_000, 1_000_000, 2_000_000);
      }
      v3.started();
      v3.failed(ModelMetrics.ErrorKind.BAD_INPUT);
      v3.finished(false, 1, 1_000_000, -1, -1);
      clock.advance(Duration.ofSeconds(5));
      r.tick();
      ModelMetrics v4 = metrics.model("fraud", "4");
      v4.loaded("CPUExecutionProvider", 0.1);
      // a request on the new version before any sample saw it: counted all the same
      v4.started();
      v4.finished(true, 1, 9_000_000, 1_000_000, 8_000_000);
      clock.advance(Duration.ofSeconds(5));
      r.tick();
      v4.started();
      v4.finished(true, 1, 9_000_000, 1_000_000, 8_000_000);
      clock.advance(Duration.ofSeconds(5));
      r.tick();

      List<Sample> rows = history.between(Instant.EPOCH, clock.instant(), "fraud");
      Sample first = rows.get(0);
      assertEquals("3", first.version());
      assertEquals(10, first.succeeded());
      assertEquals(1, first.badInput());
      assertEquals(5.0, first.seconds());
      assertEquals(0.031, first.requestSeconds(), 1e-9); // 10 x 3 ms and the failure's 1 ms
      double p50 = Latency.quantileMs(first.requestBuckets(), 0.5);
      assertTrue(p50 > 2.5 && p50 <= 5, "p50 " + p50);
      assertEquals(
          2,
          rows.stream().filter(s -> s.version().equals("4")).mapToLong(Sample::succeeded).sum(),
          "every request of the new version is in the history, as in /metrics");
      var events = history.events();
      assertEquals(List.of("served", "replaced"), events.stream().map(e -> e.kind()).toList());
      assertEquals("3", events.get(1).previous());
      assertEquals("mlflow:fraud@champion", events.get(1).reference());
      assertEquals(List.of(), warnings);
    }
  }

  @Test
  void aVersionThatCannotBatchIsRecordedAsSuchEachTimeItAppears() {
    InferenceMetrics metrics = new InferenceMetrics();
    metrics.model("fixed", "1").loaded("CPUExecutionProvider", 0.1);
    metrics.model("dynamic", "1").loaded("CPUExecutionProvider", 0.1);
    try (History history = History.open(home)) {
      HistoryRecorder r =
          new HistoryRecorder(
              history, metrics, HistoryRecorder.Settings.DEFAULT, new MovingClock(), w -> {});
      r.cannotBatch(name -> name.equals("fixed"));
      r.tick();
      r.tick(); // a version already seen is not recorded again
      List<String> seen =
          history.events().stream().map(e -> e.model() + " " + e.kind()).sorted().toList();
      assertEquals(List.of("dynamic served", "fixed cannot-batch", "fixed served"), seen);
    }
  }

  @Test
  void retentionRollsRawRowsUpPerMinuteThenPerHourAndDropsTheOldest() {
    try (History history = History.open(home)) {
      Instant start = Instant.parse("2026-11-01T00:00:00Z");
      List<Sample> raw = Histories.steady("fraud", "3", 3, start, start.plus(Duration.ofHours(2)));
      history.write(raw);
      long requests = raw.stream().mapToLong(Sample::requests).sum();
      Retention keep = new Retention(Duration.ofHours(1), Duration.ofHours(1), Duration.ofDays(90));
      history.compact(start.plus(Duration.ofHours(3)), keep);
      List<Sample> after =
          history.between(Instant.EPOCH, Instant.parse("2100-01-01T00:00:00Z"), null);
      assertEquals(2, after.size(), "two hour rows");
      assertTrue(after.stream().allMatch(s -> s.resolution() == History.HOUR));
      assertEquals(requests, after.stream().mapToLong(Sample::requests).sum());
      // The percentiles of the rolled-up rows are those of the raw ones: buckets add exactly.
      assertEquals(
          Latency.quantileMs(raw.get(0).requestBuckets(), 0.99),
          Latency.quantileMs(after.get(0).requestBuckets(), 0.99),
          1e-9);
      history.compact(start.plus(Duration.ofDays(100)), keep);
      assertEquals(0, history.rows());
    }
  }

  @Test
  void aPartialRollUpMergesWithTheRowsRolledUpBefore() {
    try (History history = History.open(home)) {
      Instant start = Instant.parse("2026-11-01T00:00:00Z");
      history.write(Histories.steady("fraud", "3", 3, start, start.plusSeconds(30)));
      Retention keep = new Retention(Duration.ZERO, Duration.ofDays(7), Duration.ofDays(90));
      history.compact(start.plusSeconds(61), keep);
      history.write(
          Histories.steady("fraud", "3", 3, start.plusSeconds(30), start.plusSeconds(60)));
      history.compact(start.plusSeconds(61), keep);
      List<Sample> rows = history.between(Instant.EPOCH, start.plusSeconds(3600), null);
      assertEquals(1, rows.size());
      assertEquals(1200, rows.get(0).requests());
      assertEquals(History.MINUTE, rows.get(0).resolution());
    }
  }

  @Test
  void retentionSettingsParseAndRefuseAShrinkingOrder() {
    assertEquals("6h,7d,90d", Retention.parse("6h,7d,90d").toString());
    var e =
        org.junit.jupiter.api.Assertions.assertThrows(
            io.gpux.error.GpuxException.class, () -> Retention.parse("7d,6h,90d"));
    assertTrue(e.getMessage().contains("grow tier by tier"), e.getMessage());
    assertThrowsBad("6x,7d,90d");
    assertThrowsBad("6h,7d");
  }

  private static void assertThrowsBad(String text) {
    org.junit.jupiter.api.Assertions.assertThrows(
        io.gpux.error.GpuxException.class, () -> Retention.parse(text));
  }
}
