package io.gpux.metrics;

/**
 * One model version's entry of the Open Inference Protocol statistics extension, in Triton's terms.
 *
 * @param lastInferenceMillis when its last request finished, in milliseconds since the epoch (0:
 *     never)
 * @param inferenceCount inferences answered: each row of a batched request counts, as Triton counts
 * @param executionCount model runs, fewer than requests when dynamic batching joined them
 * @param success requests answered, and their time from body read to answer
 * @param fail requests that failed, and their time
 * @param queue time requests waited for a compute slot or for their batch to run
 * @param computeInfer time of the model runs that answered requests
 */
public record ModelStatistics(
    String name,
    String version,
    long lastInferenceMillis,
    long inferenceCount,
    long executionCount,
    Duration success,
    Duration fail,
    Duration queue,
    Duration computeInfer) {

  /** Triton's {@code StatisticDuration}: how many, and their total in nanoseconds. */
  public record Duration(long count, long ns) {
    public static final Duration NONE = new Duration(0, 0);
  }
}
