package io.gpux.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gpux.testing.PrometheusSamples;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The exposition is a contract with scrapers and dashboards: the families, types, labels and
 * buckets below are the ones gpux serve exposed before the metrics moved into the library.
 */
class InferenceMetricsTest {
  private final InferenceMetrics metrics = new InferenceMetrics();

  private PrometheusSamples scrape() {
    return PrometheusSamples.parse(new String(metrics.prometheusText(), StandardCharsets.UTF_8));
  }

  @Test
  void familiesKeepTheirNamesTypesAndLabels() {
    ModelMetrics m = metrics.model("digits", "1");
    m.loaded("CPUExecutionProvider", 0.25);
    m.warmedUp(3_000_000, true);
    PrometheusSamples s = scrape();
    Map<String, String> types =
        Map.of(
            "gpux_inference_requests_total", "counter",
            "gpux_inference_request_duration_seconds", "histogram",
            "gpux_inference_queue_duration_seconds", "histogram",
            "gpux_inference_compute_duration_seconds", "histogram",
            "gpux_inference_batch_size", "summary",
            "gpux_inference_inflight_requests", "gauge",
            "gpux_server_rejected_requests_total", "counter",
            "gpux_model_load_duration_seconds", "gauge",
            "gpux_model_warmup_duration_seconds", "gauge",
            "gpux_model_info", "gauge");
    types.forEach((family, type) -> assertEquals(type, s.type(family), family));
    assertEquals("counter", s.type("gpux_inference_errors_total"));
    Set<String> names =
        s.samples().stream().map(PrometheusSamples.Sample::name).collect(Collectors.toSet());
    assertEquals(
        Set.of(
            "gpux_inference_requests_total",
            "gpux_inference_request_duration_seconds_bucket",
            "gpux_inference_request_duration_seconds_sum",
            "gpux_inference_request_duration_seconds_count",
            "gpux_inference_queue_duration_seconds_bucket",
            "gpux_inference_queue_duration_seconds_sum",
            "gpux_inference_queue_duration_seconds_count",
            "gpux_inference_compute_duration_seconds_bucket",
            "gpux_inference_compute_duration_seconds_sum",
            "gpux_inference_compute_duration_seconds_count",
            "gpux_inference_batch_size_sum",
            "gpux_inference_batch_size_count",
            "gpux_inference_inflight_requests",
            "gpux_inference_errors_total",
            "gpux_server_rejected_requests_total",
            "gpux_model_load_duration_seconds",
            "gpux_model_warmup_duration_seconds",
            "gpux_model_info"),
        names,
        "nothing added, nothing lost (the statistics' outcome split is not exposed; errors by kind are)");
    assertEquals(
        0.25, s.value("gpux_model_load_duration_seconds", "model", "digits", "version", "1"));
    assertEquals(
        0.003,
        s.value(
            "gpux_model_warmup_duration_seconds", "model", "digits", "version", "1", "ok", "true"),
        1e-12);
    assertEquals(
        1,
        s.value(
            "gpux_model_info",
            "model",
            "digits",
            "version",
            "1",
            "provider",
            "CPUExecutionProvider"));
    for (String outcome : List.of("success", "failure")) {
      assertEquals(
          0,
          s.value(
              "gpux_inference_requests_total",
              "model",
              "digits",
              "version",
              "1",
              "outcome",
              outcome),
          "a served model's series exist at zero before its first request");
    }
  }

  @Test
  void histogramsHaveTheServersBuckets() {
    ModelMetrics m = metrics.model("digits", "1");
    m.started();
    m.finished(true, 1, 700_000, 100_000, 2_000_000_000L);
    PrometheusSamples s = scrape();
    List<String> bounds =
        s.matching("gpux_inference_request_duration_seconds_bucket").stream()
            .map(x -> x.labels().get("le"))
            .toList();
    List<String> want = new java.util.ArrayList<>();
    for (double b : InferenceMetrics.DURATION_BUCKETS_SECONDS) {
      want.add(String.valueOf(b));
    }
    want.add("+Inf");
    assertEquals(want, bounds);
    assertEquals(
        List.of(
            0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
        java.util.Arrays.stream(InferenceMetrics.DURATION_BUCKETS_SECONDS).boxed().toList());
    String[] l = {"model", "digits", "version", "1"};
    assertEquals(0, bucket(s, "gpux_inference_request_duration_seconds", "5.0E-4"));
    assertEquals(1, bucket(s, "gpux_inference_request_duration_seconds", "0.001"));
    assertEquals(1, bucket(s, "gpux_inference_queue_duration_seconds", "5.0E-4"));
    assertEquals(0, bucket(s, "gpux_inference_compute_duration_seconds", "1.0"));
    assertEquals(1, bucket(s, "gpux_inference_compute_duration_seconds", "2.5"));
    assertEquals(1, bucket(s, "gpux_inference_compute_duration_seconds", "+Inf"));
    assertEquals(0.0007, s.value("gpux_inference_request_duration_seconds_sum", l), 1e-12);
    assertEquals(0, s.value("gpux_inference_inflight_requests", l));
  }

  private static double bucket(PrometheusSamples s, String family, String le) {
    return s.value(family + "_bucket", "model", "digits", "version", "1", "le", le);
  }

  @Test
  void statisticsCountFromTheExposedSeries() {
    ModelMetrics m = metrics.model("digits", "1");
    assertEquals(0, m.statistics().lastInferenceMillis(), "never ran");
    m.started();
    m.batched(3);
    m.finished(true, 3, 5_000, 1_000, 2_000);
    m.started();
    m.finished(false, 1, 7_000, -1, -1);
    ModelStatistics st = m.statistics();
    assertEquals(3, st.inferenceCount(), "each row of the batched request is an inference");
    assertEquals(1, st.executionCount(), "one run formed by batching");
    assertEquals(new ModelStatistics.Duration(1, 5_000), st.success());
    assertEquals(new ModelStatistics.Duration(1, 7_000), st.fail());
    assertEquals(new ModelStatistics.Duration(1, 1_000), st.queue(), "the failed one never ran");
    assertEquals(new ModelStatistics.Duration(1, 2_000), st.computeInfer());
    assertTrue(st.lastInferenceMillis() > 0);
    PrometheusSamples s = scrape();
    String[] l = {"model", "digits", "version", "1"};
    assertEquals(3, s.value("gpux_inference_batch_size_sum", l));
    assertEquals(1, s.value("gpux_inference_batch_size_count", l));
    assertEquals(
        st.computeInfer().count(), s.value("gpux_inference_compute_duration_seconds_count", l));

    ModelMetrics unbatched = metrics.model("other", "2");
    unbatched.started();
    unbatched.finished(true, 1, 5_000, 1_000, 2_000);
    assertEquals(
        1, unbatched.statistics().executionCount(), "no batcher: each run that answered counts");
  }

  @Test
  void aReloadReplacesItsProviderAndWarmUpInsteadOfAddingSeries() {
    ModelMetrics m = metrics.model("digits", "1");
    m.loaded("CUDAExecutionProvider", 1);
    m.warmedUp(1_000, false);
    m.loaded("CPUExecutionProvider", 2);
    m.warmedUp(2_000, true);
    metrics.model("digits", "2").loaded("CPUExecutionProvider", 3);
    PrometheusSamples s = scrape();
    assertEquals(2, s.matching("gpux_model_info").size(), "one per model version");
    assertTrue(
        s.find(
                "gpux_model_info",
                "model",
                "digits",
                "version",
                "1",
                "provider",
                "CUDAExecutionProvider")
            .isEmpty());
    assertEquals(1, s.matching("gpux_model_warmup_duration_seconds").size());
    assertFalse(
        s.find(
                "gpux_model_warmup_duration_seconds",
                "model",
                "digits",
                "version",
                "1",
                "ok",
                "false")
            .isPresent());
    assertEquals(2, s.value("gpux_model_load_duration_seconds", "model", "digits", "version", "1"));
  }

  @Test
  void labelValuesAreEscapedAndRejectionsCounted() {
    metrics.model("acme/quote\"d\\name", "1").loaded("CPUExecutionProvider", 0);
    metrics.rejected();
    metrics.rejected();
    PrometheusSamples s = scrape();
    assertEquals(
        0,
        s.value(
            "gpux_inference_inflight_requests", "model", "acme/quote\"d\\name", "version", "1"));
    assertEquals(2, s.value("gpux_server_rejected_requests_total"));
    assertEquals(2, metrics.rejectedCount());
    assertEquals("text/plain; version=0.0.4; charset=utf-8", metrics.prometheusContentType());
  }

  @Test
  void theSameModelVersionIsOneHandle() {
    assertTrue(metrics.model("a", "1") == metrics.model("a", "1"));
    assertFalse(metrics.model("a", "1") == metrics.model("a", "2"));
  }
}
