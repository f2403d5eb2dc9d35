/**
 * The metrics of models being served: request counts by outcome, request, queue and compute time,
 * batch sizes, requests in flight, requests refused at capacity, load and warm-up time, and the
 * provider each model runs on ({@link io.gpux.metrics.InferenceMetrics}, one {@link
 * io.gpux.metrics.ModelMetrics} per model and version). They are exposed in the Prometheus text
 * format and read back as the Open Inference Protocol's statistics ({@link
 * io.gpux.metrics.ModelStatistics}), so {@code /metrics}, {@code /v2/models/stats} and gRPC's
 * ModelStatistics all count from one place; a stored monitoring history will read them here too.
 *
 * <p>Why the Prometheus Java client (1.x) rather than Micrometer: the names, types, labels and
 * buckets exposed are a contract with existing scrapers and dashboards, and the Prometheus client
 * writes exactly the families declared here (Micrometer's Prometheus registry renames meters by its
 * own conventions and adds families, a {@code _max} gauge per timer, that were never exposed). It
 * is Prometheus's own implementation of its format, its data points are striped counters cheap
 * enough for every request, and it has no dependency outside its own modules. Exemplars are off: no
 * tracing is wired in, and looking up a span on each observation would only cost time.
 *
 * <p>This package depends on nothing else in GPUX: the server and the CLI feed it, never the
 * reverse.
 */
package io.gpux.metrics;
