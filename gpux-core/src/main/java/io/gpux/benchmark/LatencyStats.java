package io.gpux.benchmark;

import java.util.Arrays;

/**
 * Summary of a series of latencies, in milliseconds. Percentiles use the nearest-rank method.
 *
 * @param throughputPerSecond calls per second of wall time over the timed runs
 */
public record LatencyStats(
    int runs,
    double meanMs,
    double stdMs,
    double medianMs,
    double p95Ms,
    double p99Ms,
    double minMs,
    double maxMs,
    double throughputPerSecond) {

  /** Summarises {@code nanos} (one entry per run) measured over {@code wallNanos} in all. */
  public static LatencyStats of(long[] nanos, long wallNanos) {
    if (nanos.length == 0) {
      throw new IllegalArgumentException("no runs to summarise");
    }
    double[] ms = Arrays.stream(nanos).mapToDouble(n -> n / 1e6).sorted().toArray();
    double mean = Arrays.stream(ms).average().orElse(0);
    double var = Arrays.stream(ms).map(x -> (x - mean) * (x - mean)).sum() / ms.length;
    return new LatencyStats(
        ms.length,
        mean,
        Math.sqrt(var),
        percentile(ms, 50),
        percentile(ms, 95),
        percentile(ms, 99),
        ms[0],
        ms[ms.length - 1],
        wallNanos <= 0 ? 0 : ms.length / (wallNanos / 1e9));
  }

  static double percentile(double[] sorted, double p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }
}
