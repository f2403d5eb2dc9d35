package io.gpux.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Summary;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The metrics of one server (or any process that answers inference requests): a Prometheus registry
 * of its own holding the families below, and one {@link ModelMetrics} per model and version that
 * requests are counted in.
 *
 * <p>Names follow Prometheus conventions ({@code _total}, {@code _seconds}); labels are the model
 * and version, as in Triton's per-model metrics ({@code nv_inference_request_success}, {@code
 * nv_inference_queue_duration_us}, {@code nv_inference_compute_infer_duration_us}), which these
 * mirror. docs/serve.md ("Metrics") lists them.
 */
public final class InferenceMetrics {
  /** Upper bounds, in seconds, of every duration histogram's buckets. */
  public static final double[] DURATION_BUCKETS_SECONDS = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10
  };

  private static final String MODEL = "model";
  private static final String VERSION = "version";

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final PrometheusTextFormatWriter text = PrometheusTextFormatWriter.create();
  private final Map<Key, ModelMetrics> models = new ConcurrentHashMap<>();

  final Counter requests =
      Counter.builder()
          .name("gpux_inference_requests_total")
          .help("Inference requests by outcome.")
          .labelNames(MODEL, VERSION, "outcome")
          .withoutExemplars()
          .register(registry);
  final Histogram requestDuration =
      histogram(
          "gpux_inference_request_duration_seconds",
          "Time to answer an inference request, from its body read to its answer.");
  final Histogram queueDuration =
      histogram(
          "gpux_inference_queue_duration_seconds",
          "Time a request waited for a compute slot or for its dynamic batch to run.");
  final Histogram computeDuration =
      histogram(
          "gpux_inference_compute_duration_seconds",
          "Time of the model run that answered a request (the whole batch's run when batched).");
  final Summary batchSize =
      Summary.builder()
          .name("gpux_inference_batch_size")
          .help("Rows per model run formed by dynamic batching.")
          .labelNames(MODEL, VERSION)
          .withoutExemplars()
          .register(registry);
  final Gauge inflight =
      Gauge.builder()
          .name("gpux_inference_inflight_requests")
          .help("Requests being answered now.")
          .labelNames(MODEL, VERSION)
          .withoutExemplars()
          .register(registry);
  final Counter errors =
      Counter.builder()
          .name("gpux_inference_errors_total")
          .help(
              "Failed inference requests by kind: bad_input (4xx), model (the run failed),"
                  + " overload (503: timeouts, capacity, shutting down).")
          .labelNames(MODEL, VERSION, "kind")
          .withoutExemplars()
          .register(registry);
  private final Counter rejected =
      Counter.builder()
          .name("gpux_server_rejected_requests_total")
          .help("Requests refused with 503 because the server was at capacity.")
          .withoutExemplars()
          .register(registry);
  final Gauge loadDuration =
      Gauge.builder()
          .name("gpux_model_load_duration_seconds")
          .help("Time to load the model.")
          .labelNames(MODEL, VERSION)
          .withoutExemplars()
          .register(registry);
  final Gauge warmupDuration =
      Gauge.builder()
          .name("gpux_model_warmup_duration_seconds")
          .help(
              "Time of the warm-up run before the server turned ready (ok=\"false\": zeros"
                  + " failed).")
          .labelNames(MODEL, VERSION, "ok")
          .withoutExemplars()
          .register(registry);
  final Gauge modelInfo =
      Gauge.builder()
          .name("gpux_model_info")
          .help("The execution provider a model runs on.")
          .labelNames(MODEL, VERSION, "provider")
          .withoutExemplars()
          .register(registry);

  // What the statistics extension reports beyond the exposed families: request time split by
  // outcome. Built, not registered: Triton has no Prometheus counterpart of it either.
  final Summary outcomeDuration =
      Summary.builder()
          .name("gpux_inference_outcome_duration_seconds")
          .labelNames(MODEL, VERSION, "outcome")
          .withoutExemplars()
          .build();

  private record Key(String name, String version) {}

  private Histogram histogram(String name, String help) {
    return Histogram.builder()
        .name(name)
        .help(help)
        .labelNames(MODEL, VERSION)
        .classicOnly()
        .classicUpperBounds(DURATION_BUCKETS_SECONDS)
        .withoutExemplars()
        .register(registry);
  }

  /**
   * The metrics of one model version, created (its series at zero) on first use. Requests hold the
   * returned object: counting through it costs no lookup.
   */
  public ModelMetrics model(String name, String version) {
    return models.computeIfAbsent(
        new Key(name, version), k -> new ModelMetrics(this, name, version));
  }

  /**
   * Every model version's totals since start, read from the same data points /metrics writes (the
   * monitoring history turns two of these into one interval's numbers). Costs one collection of
   * each family: meant for a sampler every few seconds, never for a request.
   */
  public List<ModelSample> sample() {
    Map<List<String>, long[]> request = buckets(requestDuration);
    Map<List<String>, long[]> queue = buckets(queueDuration);
    Map<List<String>, long[]> compute = buckets(computeDuration);
    Map<List<String>, double[]> sums = new HashMap<>();
    sums(requestDuration, sums, 0);
    sums(queueDuration, sums, 1);
    sums(computeDuration, sums, 2);
    Map<List<String>, String> providers = new HashMap<>();
    for (GaugeSnapshot.GaugeDataPointSnapshot d : modelInfo.collect().getDataPoints()) {
      providers.put(key(d.getLabels()), d.getLabels().get("provider"));
    }
    List<ModelSample> out = new ArrayList<>();
    for (ModelMetrics m : models.values()) {
      List<String> k = List.of(m.name(), m.version());
      double[] s = sums.getOrDefault(k, new double[3]);
      out.add(
          m.sample(
              providers.get(k),
              request.getOrDefault(k, new long[BUCKETS]),
              queue.getOrDefault(k, new long[BUCKETS]),
              compute.getOrDefault(k, new long[BUCKETS]),
              s));
    }
    return out;
  }

  /** Buckets per series: one per bound of {@link #DURATION_BUCKETS_SECONDS}, then +Inf. */
  public static final int BUCKETS = DURATION_BUCKETS_SECONDS.length + 1;

  private static List<String> key(Labels l) {
    return List.of(l.get(MODEL), l.get(VERSION));
  }

  private static Map<List<String>, long[]> buckets(Histogram h) {
    Map<List<String>, long[]> out = new HashMap<>();
    for (HistogramSnapshot.HistogramDataPointSnapshot d : h.collect().getDataPoints()) {
      ClassicHistogramBuckets b = d.getClassicBuckets();
      long[] counts = new long[BUCKETS];
      for (int i = 0; i < b.size() && i < BUCKETS; i++) {
        counts[i] = b.getCount(i); // per bucket, not cumulative, in the model's snapshots
      }
      out.put(key(d.getLabels()), counts);
    }
    return out;
  }

  private static void sums(Histogram h, Map<List<String>, double[]> into, int slot) {
    for (HistogramSnapshot.HistogramDataPointSnapshot d : h.collect().getDataPoints()) {
      into.computeIfAbsent(key(d.getLabels()), k -> new double[3])[slot] = d.getSum();
    }
  }

  /** A request was refused before routing because the server was at capacity. */
  public void rejected() {
    rejected.inc();
  }

  public long rejectedCount() {
    return rejected.getLongValue();
  }

  /** The registry behind these metrics, for a caller that adds families of its own. */
  public PrometheusRegistry registry() {
    return registry;
  }

  /** The content type of {@link #writePrometheusText}'s output. */
  public String prometheusContentType() {
    return text.getContentType();
  }

  /** Every family in the Prometheus text exposition format (version 0.0.4). */
  public void writePrometheusText(OutputStream out) throws IOException {
    text.write(out, registry.scrape());
  }

  public byte[] prometheusText() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
    try {
      writePrometheusText(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream never throws
    }
    return out.toByteArray();
  }
}
