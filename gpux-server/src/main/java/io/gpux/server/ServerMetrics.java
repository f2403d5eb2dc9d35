package io.gpux.server;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;

/**
 * Request counts, latencies split into queue and compute time, batch sizes and in-flight requests
 * per model, written in the Prometheus text format. Names follow Prometheus conventions ({@code
 * _total}, {@code _seconds}); labels are the model and version, as in Triton's per-model metrics
 * ({@code nv_inference_request_success}, {@code nv_inference_queue_duration_us}, {@code
 * nv_inference_compute_infer_duration_us}), which these mirror.
 */
final class ServerMetrics {
  private final Map<String, Series> series = new ConcurrentHashMap<>();
  private final Map<String, ServedModel> served = new ConcurrentHashMap<>();
  private final LongAdder rejected = new LongAdder();
  private final Map<String, double[]> warmups = new ConcurrentHashMap<>();

  private static final class Series {
    final LongAdder success = new LongAdder();
    final LongAdder failure = new LongAdder();
    final LongAdder inferences = new LongAdder();
    final Histogram request = new Histogram();
    final Histogram successTime = new Histogram();
    final Histogram failureTime = new Histogram();
    final Histogram queue = new Histogram();
    final Histogram compute = new Histogram();
    final AtomicLong inflight = new AtomicLong();
    final LongAdder batches = new LongAdder();
    final LongAdder batchedRows = new LongAdder();
    volatile long lastInferenceMillis;
  }

  private static String key(ServedModel m) {
    return m.name() + "\u0000" + m.version();
  }

  private Series of(ServedModel m) {
    return series.computeIfAbsent(key(m), k -> new Series());
  }

  /** A model is being served: its load time and provider appear from now on. */
  void register(ServedModel m) {
    served.put(key(m), m);
    of(m);
  }

  /** A model answered its warm-up run (or failed it) in {@code nanos}. */
  void warmedUp(ServedModel m, long nanos, boolean ok) {
    warmups.put(key(m), new double[] {nanos / 1e9, ok ? 1 : 0});
  }

  /** A request was refused before routing because the server was at capacity. */
  void rejected() {
    rejected.increment();
  }

  void started(ServedModel m) {
    of(m).inflight.incrementAndGet();
  }

  void finished(ServedModel m, RequestTiming timing, boolean ok) {
    Series s = of(m);
    s.inflight.decrementAndGet();
    (ok ? s.success : s.failure).increment();
    if (ok) {
      s.inferences.add(timing.rows());
    }
    (ok ? s.successTime : s.failureTime).observeNanos(System.nanoTime() - timing.received);
    s.lastInferenceMillis = System.currentTimeMillis();
    s.request.observeNanos(System.nanoTime() - timing.received);
    s.queue.observeNanos(timing.queueNanos());
    s.compute.observeNanos(timing.computeNanos());
  }

  /** A run of {@code rows} rows was formed (by dynamic batching, or a lone request). */
  void batched(ServedModel m, int rows) {
    Series s = of(m);
    s.batches.increment();
    s.batchedRows.add(rows);
  }

  /**
   * The Open Inference Protocol statistics extension's entry for a model, in Triton's shape: {@code
   * inference_count} counts inferences answered (each row of a batched request is one, as Triton
   * counts them), {@code execution_count} model runs (fewer when requests were batched together).
   */
  com.fasterxml.jackson.databind.node.ObjectNode statistics(ServedModel m) {
    Series s = of(m);
    var o = Exchange.MAPPER.createObjectNode();
    o.put("name", m.name());
    o.put("version", m.version());
    o.put("last_inference", s.lastInferenceMillis);
    o.put("inference_count", s.inferences.sum());
    o.put("execution_count", s.batches.sum() > 0 ? s.batches.sum() : s.compute.count());
    var stats = o.putObject("inference_stats");
    duration(stats, "success", s.successTime);
    duration(stats, "fail", s.failureTime);
    duration(stats, "queue", s.queue);
    duration(stats, "compute_input", new Histogram());
    duration(stats, "compute_infer", s.compute);
    duration(stats, "compute_output", new Histogram());
    duration(stats, "cache_hit", new Histogram());
    duration(stats, "cache_miss", new Histogram());
    o.putArray("batch_stats");
    return o;
  }

  private static void duration(
      com.fasterxml.jackson.databind.node.ObjectNode stats, String name, Histogram h) {
    stats.putObject(name).put("count", h.count()).put("ns", h.sumNanos());
  }

  String render() {
    StringBuilder sb = new StringBuilder();
    family(sb, "gpux_inference_requests_total", "counter", "Inference requests by outcome.");
    each(
        (labels, s) -> {
          sample(sb, "gpux_inference_requests_total", labels + ",outcome=\"success\"", s.success);
          sample(sb, "gpux_inference_requests_total", labels + ",outcome=\"failure\"", s.failure);
        });
    histogram(
        sb,
        "gpux_inference_request_duration_seconds",
        "Time to answer an inference request, from its body read to its answer.",
        s -> s.request);
    histogram(
        sb,
        "gpux_inference_queue_duration_seconds",
        "Time a request waited for a compute slot or for its dynamic batch to run.",
        s -> s.queue);
    histogram(
        sb,
        "gpux_inference_compute_duration_seconds",
        "Time of the model run that answered a request (the whole batch's run when batched).",
        s -> s.compute);
    family(
        sb,
        "gpux_inference_batch_size",
        "summary",
        "Rows per model run formed by dynamic batching.");
    each(
        (labels, s) -> {
          sample(sb, "gpux_inference_batch_size_sum", labels, s.batchedRows);
          sample(sb, "gpux_inference_batch_size_count", labels, s.batches);
        });
    family(sb, "gpux_inference_inflight_requests", "gauge", "Requests being answered now.");
    each((labels, s) -> sample(sb, "gpux_inference_inflight_requests", labels, s.inflight.get()));
    family(
        sb,
        "gpux_server_rejected_requests_total",
        "counter",
        "Requests refused with 503 because the server was at capacity.");
    sb.append("gpux_server_rejected_requests_total ").append(rejected.sum()).append('\n');
    family(sb, "gpux_model_load_duration_seconds", "gauge", "Time to load the model.");
    served.forEach(
        (key, m) ->
            sb.append("gpux_model_load_duration_seconds{")
                .append(labels(key))
                .append("} ")
                .append(String.format(Locale.ROOT, "%.6f", m.loadSeconds()))
                .append('\n'));
    family(
        sb,
        "gpux_model_warmup_duration_seconds",
        "gauge",
        "Time of the warm-up run before the server turned ready (ok=\"false\": zeros failed).");
    warmups.forEach(
        (key, w) ->
            sb.append("gpux_model_warmup_duration_seconds{")
                .append(labels(key))
                .append(",ok=\"")
                .append(w[1] == 1)
                .append("\"} ")
                .append(String.format(Locale.ROOT, "%.6f", w[0]))
                .append('\n'));
    family(sb, "gpux_model_info", "gauge", "The execution provider a model runs on.");
    served.forEach(
        (key, m) ->
            sb.append("gpux_model_info{")
                .append(labels(key))
                .append(",provider=\"")
                .append(escape(m.model().provider().chosen().ortName()))
                .append("\"} 1\n"));
    return sb.toString();
  }

  private void each(BiConsumer<String, Series> write) {
    series.forEach((key, s) -> write.accept(labels(key), s));
  }

  private void histogram(
      StringBuilder sb,
      String name,
      String help,
      java.util.function.Function<Series, Histogram> h) {
    family(sb, name, "histogram", help);
    each((labels, s) -> h.apply(s).render(sb, name, labels));
  }

  private static void family(StringBuilder sb, String name, String type, String help) {
    sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
    sb.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  private static void sample(StringBuilder sb, String name, String labels, Object value) {
    sb.append(name).append('{').append(labels).append("} ").append(value).append('\n');
  }

  private static String labels(String key) {
    int sep = key.indexOf('\u0000');
    return "model=\""
        + escape(key.substring(0, sep))
        + "\",version=\""
        + escape(key.substring(sep + 1))
        + "\"";
  }

  private static String escape(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }
}
