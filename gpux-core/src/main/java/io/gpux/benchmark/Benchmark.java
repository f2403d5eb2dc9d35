package io.gpux.benchmark;

import io.gpux.error.GpuxException;

/**
 * Times a call: {@code warmup} untimed calls, then {@code runs} timed ones, one after another.
 * Failures are not swallowed: a warm-up that fails stops the benchmark with its error.
 */
public final class Benchmark {
  private Benchmark() {}

  /** The work to time. */
  @FunctionalInterface
  public interface Call {
    void run() throws Exception;
  }

  public static LatencyStats run(int warmup, int runs, Call call) {
    if (runs < 1) {
      throw GpuxException.invalidInput("--runs must be at least 1, got " + runs, "e.g. --runs 100");
    }
    if (warmup < 0) {
      throw GpuxException.invalidInput(
          "--warmup must not be negative, got " + warmup, "e.g. --warmup 10");
    }
    try {
      for (int i = 0; i < warmup; i++) {
        call.run();
      }
      long[] nanos = new long[runs];
      long start = System.nanoTime();
      for (int i = 0; i < runs; i++) {
        long t0 = System.nanoTime();
        call.run();
        nanos[i] = System.nanoTime() - t0;
      }
      return LatencyStats.of(nanos, System.nanoTime() - start);
    } catch (GpuxException e) {
      throw e;
    } catch (Exception e) {
      throw new GpuxException(
          io.gpux.error.ErrorCategory.RUNTIME_FAILURE,
          "benchmark run failed: " + e.getMessage(),
          null,
          e);
    }
  }
}
