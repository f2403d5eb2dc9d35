package io.gpux.server;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Request counts, latencies and in-flight requests per model, written in the Prometheus text
 * format. Names follow Prometheus conventions ({@code _total}, {@code _seconds}); labels are the
 * model and version, as Triton's per-model metrics.
 */
final class ServerMetrics {
  private static final double[] BUCKETS = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10
  };

  private final Map<String, Series> series = new ConcurrentHashMap<>();

  private static final class Series {
    final LongAdder success = new LongAdder();
    final LongAdder failure = new LongAdder();
    final LongAdder[] buckets = new LongAdder[BUCKETS.length];
    final LongAdder count = new LongAdder();
    final AtomicLong sumNanos = new AtomicLong();
    final AtomicLong inflight = new AtomicLong();
    final LongAdder batches = new LongAdder();
    final LongAdder batchedRows = new LongAdder();

    Series() {
      for (int i = 0; i < buckets.length; i++) {
        buckets[i] = new LongAdder();
      }
    }
  }

  private Series of(ServedModel m) {
    return series.computeIfAbsent(m.name() + "\u0000" + m.version(), k -> new Series());
  }

  void started(ServedModel m) {
    of(m).inflight.incrementAndGet();
  }

  void finished(ServedModel m, long nanos, boolean ok) {
    Series s = of(m);
    s.inflight.decrementAndGet();
    (ok ? s.success : s.failure).increment();
    s.count.increment();
    s.sumNanos.addAndGet(nanos);
    double seconds = nanos / 1e9;
    for (int i = 0; i < BUCKETS.length; i++) {
      if (seconds <= BUCKETS[i]) {
        s.buckets[i].increment();
      }
    }
  }

  /** A run of {@code rows} rows was formed (by dynamic batching, or a lone request). */
  void batched(ServedModel m, int rows) {
    Series s = of(m);
    s.batches.increment();
    s.batchedRows.add(rows);
  }

  String render() {
    StringBuilder sb = new StringBuilder();
    sb.append("# HELP gpux_inference_requests_total Inference requests by outcome.\n");
    sb.append("# TYPE gpux_inference_requests_total counter\n");
    series.forEach(
        (key, s) -> {
          String labels = labels(key);
          sb.append("gpux_inference_requests_total{")
              .append(labels)
              .append(",outcome=\"success\"} ")
              .append(s.success.sum())
              .append('\n');
          sb.append("gpux_inference_requests_total{")
              .append(labels)
              .append(",outcome=\"failure\"} ")
              .append(s.failure.sum())
              .append('\n');
        });
    sb.append(
        "# HELP gpux_inference_request_duration_seconds Time to answer an inference request.\n");
    sb.append("# TYPE gpux_inference_request_duration_seconds histogram\n");
    series.forEach(
        (key, s) -> {
          String labels = labels(key);
          for (int i = 0; i < BUCKETS.length; i++) {
            sb.append("gpux_inference_request_duration_seconds_bucket{")
                .append(labels)
                .append(",le=\"")
                .append(BUCKETS[i])
                .append("\"} ")
                .append(s.buckets[i].sum())
                .append('\n');
          }
          sb.append("gpux_inference_request_duration_seconds_bucket{")
              .append(labels)
              .append(",le=\"+Inf\"} ")
              .append(s.count.sum())
              .append('\n');
          sb.append("gpux_inference_request_duration_seconds_sum{")
              .append(labels)
              .append("} ")
              .append(String.format(Locale.ROOT, "%.9f", s.sumNanos.get() / 1e9))
              .append('\n');
          sb.append("gpux_inference_request_duration_seconds_count{")
              .append(labels)
              .append("} ")
              .append(s.count.sum())
              .append('\n');
        });
    sb.append("# HELP gpux_inference_batch_size Rows per model run formed by dynamic batching.\n");
    sb.append("# TYPE gpux_inference_batch_size summary\n");
    series.forEach(
        (key, s) -> {
          sb.append("gpux_inference_batch_size_sum{")
              .append(labels(key))
              .append("} ")
              .append(s.batchedRows.sum())
              .append('\n');
          sb.append("gpux_inference_batch_size_count{")
              .append(labels(key))
              .append("} ")
              .append(s.batches.sum())
              .append('\n');
        });
    sb.append("# HELP gpux_inference_inflight_requests Requests being answered now.\n");
    sb.append("# TYPE gpux_inference_inflight_requests gauge\n");
    series.forEach(
        (key, s) ->
            sb.append("gpux_inference_inflight_requests{")
                .append(labels(key))
                .append("} ")
                .append(s.inflight.get())
                .append('\n'));
    return sb.toString();
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
