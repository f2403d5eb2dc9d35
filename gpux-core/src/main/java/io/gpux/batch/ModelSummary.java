package io.gpux.batch;

/**
 * What one model did in a batch run.
 *
 * @param lines input lines it answered in this run (outputs and errors)
 * @param errors of those, the lines answered with an error
 * @param skipped lines already in the output file ({@code --resume})
 * @param calls model calls made (fewer than lines when lines were micro-batched)
 * @param p50Ms median latency of a line: the time of the model call that answered it
 * @param p99Ms the 99th percentile of the same
 * @param provider the execution provider its session ran on; null when it never opened
 * @param seconds from opening its session to closing it
 * @param error why the model could not run at all (not found, not pulled, not loadable); null when
 *     it ran
 * @param stats the model calls' latencies, throughput in calls per second of {@code seconds}; null
 *     when no call ran (what the history keeps of a batch run)
 * @param modelFile the .onnx file that ran; null when it never opened
 */
public record ModelSummary(
    String model,
    int lines,
    int errors,
    int skipped,
    int calls,
    double p50Ms,
    double p99Ms,
    String provider,
    double seconds,
    String error,
    io.gpux.benchmark.LatencyStats stats,
    String modelFile) {
  public ModelSummary(
      String model,
      int lines,
      int errors,
      int skipped,
      int calls,
      double p50Ms,
      double p99Ms,
      String provider,
      double seconds,
      String error) {
    this(model, lines, errors, skipped, calls, p50Ms, p99Ms, provider, seconds, error, null, null);
  }

  /** Rows one call computed on average (lines joined by micro-batching), at least 1. */
  public long meanBatchRows() {
    return calls == 0 ? 1 : Math.max(1, Math.round(lines / (double) calls));
  }
}
