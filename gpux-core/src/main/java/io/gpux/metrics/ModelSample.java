package io.gpux.metrics;

/**
 * One model version's totals since the process started, as {@link InferenceMetrics#sample} read
 * them: counters only grow, so the difference of two samples is what happened between them.
 *
 * @param provider the execution provider it runs on (null before it is loaded)
 * @param requestBuckets request durations per bucket of {@link
 *     InferenceMetrics#DURATION_BUCKETS_SECONDS}, then +Inf (counts per bucket, not cumulative)
 * @param batches model runs formed by dynamic batching, and {@code batchRows} their rows
 * @param inflightPeak the most requests in flight at once since the previous sample
 */
public record ModelSample(
    String name,
    String version,
    String provider,
    long succeeded,
    long failed,
    long badInput,
    long modelErrors,
    long overload,
    long[] requestBuckets,
    long[] queueBuckets,
    long[] computeBuckets,
    double requestSeconds,
    double queueSeconds,
    double computeSeconds,
    long batches,
    long batchRows,
    long inflightPeak) {}
