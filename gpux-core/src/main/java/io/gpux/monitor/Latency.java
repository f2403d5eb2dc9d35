package io.gpux.monitor;

import io.gpux.metrics.InferenceMetrics;

/** Percentiles from per-bucket counts, as Prometheus's {@code histogram_quantile} computes them. */
public final class Latency {
  private Latency() {}

  /**
   * The {@code q} quantile (0 to 1), in milliseconds, of durations counted per bucket of {@link
   * InferenceMetrics#DURATION_BUCKETS_SECONDS} (then +Inf); NaN when nothing was counted. Within a
   * bucket the value is interpolated linearly; in the +Inf bucket it is the highest finite bound.
   */
  public static double quantileMs(long[] buckets, double q) {
    double[] bounds = InferenceMetrics.DURATION_BUCKETS_SECONDS;
    long total = 0;
    for (long b : buckets) {
      total += b;
    }
    if (total == 0) {
      return Double.NaN;
    }
    double rank = q * total;
    long seen = 0;
    for (int i = 0; i < buckets.length; i++) {
      if (seen + buckets[i] >= rank && buckets[i] > 0) {
        if (i >= bounds.length) {
          return bounds[bounds.length - 1] * 1000;
        }
        double lower = i == 0 ? 0 : bounds[i - 1];
        double upper = bounds[i];
        return (lower + (upper - lower) * (rank - seen) / buckets[i]) * 1000;
      }
      seen += buckets[i];
    }
    return bounds[bounds.length - 1] * 1000;
  }

  /** Adds {@code b} into {@code a} (growing it when shorter) and returns it. */
  static long[] add(long[] a, long[] b) {
    long[] out = a.length >= b.length ? a : java.util.Arrays.copyOf(a, b.length);
    for (int i = 0; i < b.length; i++) {
      out[i] += b[i];
    }
    return out;
  }

  /** {@code now - before}, bucket by bucket. */
  static long[] minus(long[] now, long[] before) {
    long[] out = now.clone();
    for (int i = 0; i < out.length && i < before.length; i++) {
      out[i] -= before[i];
    }
    return out;
  }
}
