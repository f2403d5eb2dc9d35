/**
 * Monitoring: the stored history of what {@code gpux serve} measured ({@link
 * io.gpux.monitor.HistoryRecorder} samples {@link io.gpux.metrics.InferenceMetrics} every few
 * seconds, off the request path, into the index's {@code monitor_samples}), its retention ({@link
 * io.gpux.monitor.Retention}: raw rows rolled up per minute, then per hour, then dropped), the
 * insight rules over it ({@link io.gpux.monitor.InsightRules}: each finding with its evidence and
 * the command or setting that acts on it), and the dashboard's data and page ({@link
 * io.gpux.monitor.Dashboard}), served by {@code gpux dashboard} and at {@code /dashboard} on {@code
 * gpux serve}.
 *
 * <p>Why sampling rather than writing per request: a request only bumps the striped counters the
 * metrics already keep; the recorder reads their totals and stores the differences, so history
 * costs the request path nothing and the database one small transaction per interval.
 *
 * <p>Latency is stored as the histogram's bucket counts, not as percentiles: buckets add up, so
 * rolling rows up (per minute, per hour) stays exact, and a percentile read from the history is the
 * one Prometheus's {@code histogram_quantile} computes from {@code /metrics}.
 */
package io.gpux.monitor;
