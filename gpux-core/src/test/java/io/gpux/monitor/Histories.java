package io.gpux.monitor;

import io.gpux.index.HistoryTables.Event;
import io.gpux.index.HistoryTables.Sample;
import io.gpux.metrics.InferenceMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Synthetic histories for the rules' tests: rows every 5 s with chosen latencies and counts. */
final class Histories {
  static final Instant NOW = Instant.parse("2026-12-02T14:30:00Z");

  private Histories() {}

  /** One 5-second row: {@code requests} requests, each {@code ms} long, split queue/compute. */
  static Sample row(
      Instant at,
      String model,
      String version,
      long requests,
      double ms,
      double queueShare,
      long batches,
      long batchRows,
      long inflightPeak,
      long[] errors) {
    long failed = errors[0] + errors[1] + errors[2];
    long[] buckets = new long[InferenceMetrics.BUCKETS];
    buckets[bucket(ms / 1000)] = requests;
    long[] q = new long[InferenceMetrics.BUCKETS];
    q[bucket(ms * queueShare / 1000)] = requests;
    long[] c = new long[InferenceMetrics.BUCKETS];
    c[bucket(ms * (1 - queueShare) / 1000)] = requests;
    return new Sample(
        5,
        at,
        model,
        version,
        "CPUExecutionProvider",
        5,
        requests - failed,
        failed,
        errors[0],
        errors[1],
        errors[2],
        0,
        buckets,
        q,
        c,
        requests * ms / 1000,
        requests * ms * queueShare / 1000,
        requests * ms * (1 - queueShare) / 1000,
        batches,
        batchRows,
        inflightPeak,
        0.5,
        1L << 30,
        16L << 30);
  }

  static int bucket(double seconds) {
    double[] b = InferenceMetrics.DURATION_BUCKETS_SECONDS;
    for (int i = 0; i < b.length; i++) {
      if (seconds <= b[i]) {
        return i;
      }
    }
    return b.length;
  }

  /** A steady hour of one model: 100 requests of {@code ms} every 5 s. */
  static List<Sample> steady(String model, String version, double ms, Instant from, Instant to) {
    List<Sample> out = new ArrayList<>();
    for (Instant t = from; t.isBefore(to); t = t.plusSeconds(5)) {
      out.add(row(t, model, version, 100, ms, 0.1, 0, 0, 2, new long[3]));
    }
    return out;
  }

  static Instant ago(Duration d) {
    return NOW.minus(d);
  }

  static Event served(Instant at, String model, String version) {
    return new Event(at, model, "served", version, null, null, null, "CPUExecutionProvider");
  }

  static Event replaced(Instant at, String model, String version, String previous, String ref) {
    return new Event(at, model, "replaced", version, previous, ref, null, "CPUExecutionProvider");
  }
}
