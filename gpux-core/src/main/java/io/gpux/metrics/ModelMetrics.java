package io.gpux.metrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;
import java.util.concurrent.atomic.LongAdder;

/**
 * One model version's series in {@link InferenceMetrics}. Its data points are looked up once, here,
 * so a request counts itself with a few striped additions and no label lookup.
 */
public final class ModelMetrics {
  private final InferenceMetrics families;
  private final String name;
  private final String version;
  private final CounterDataPoint success;
  private final CounterDataPoint failure;
  private final DistributionDataPoint request;
  private final DistributionDataPoint queue;
  private final DistributionDataPoint compute;
  private final DistributionDataPoint batches;
  private final GaugeDataPoint inflight;
  private final DistributionDataPoint successTime;
  private final DistributionDataPoint failureTime;
  private final CounterDataPoint badInput;
  private final CounterDataPoint modelError;
  private final CounterDataPoint overload;
  private final LongAdder inferences = new LongAdder();
  private final java.util.concurrent.atomic.AtomicLong inflightPeak =
      new java.util.concurrent.atomic.AtomicLong();
  private volatile long lastInferenceMillis;

  ModelMetrics(InferenceMetrics families, String name, String version) {
    this.families = families;
    this.name = name;
    this.version = version;
    success = families.requests.labelValues(name, version, "success");
    failure = families.requests.labelValues(name, version, "failure");
    request = families.requestDuration.labelValues(name, version);
    queue = families.queueDuration.labelValues(name, version);
    compute = families.computeDuration.labelValues(name, version);
    batches = families.batchSize.labelValues(name, version);
    inflight = families.inflight.labelValues(name, version);
    badInput = families.errors.labelValues(name, version, ErrorKind.BAD_INPUT.label());
    modelError = families.errors.labelValues(name, version, ErrorKind.MODEL.label());
    overload = families.errors.labelValues(name, version, ErrorKind.OVERLOAD.label());
    successTime = families.outcomeDuration.labelValues(name, version, "success");
    failureTime = families.outcomeDuration.labelValues(name, version, "failure");
  }

  public String name() {
    return name;
  }

  public String version() {
    return version;
  }

  /**
   * The model was loaded in {@code seconds} and runs on {@code provider} (replacing an earlier).
   */
  public void loaded(String provider, double seconds) {
    families.modelInfo.removeIf(this::mine);
    families.modelInfo.labelValues(name, version, provider).set(1);
    families.loadDuration.labelValues(name, version).set(seconds);
  }

  /** The model answered its warm-up run, or failed it ({@code ok} false), in {@code nanos}. */
  public void warmedUp(long nanos, boolean ok) {
    families.warmupDuration.removeIf(this::mine);
    families.warmupDuration.labelValues(name, version, String.valueOf(ok)).set(nanos / 1e9);
  }

  private boolean mine(java.util.List<String> labels) {
    return labels.get(0).equals(name) && labels.get(1).equals(version);
  }

  /** A request began. */
  public void started() {
    inflight.inc();
    long now = (long) inflight.get();
    // The peak since the last sample: a sampler every few seconds would miss most bursts.
    inflightPeak.accumulateAndGet(now, Math::max);
  }

  /** Why a request failed, for {@code gpux_inference_errors_total}'s {@code kind} label. */
  public enum ErrorKind {
    /** The request was wrong (a 4xx): the caller must change it. */
    BAD_INPUT("bad_input"),
    /** The model run failed: the model or its provider must change. */
    MODEL("model"),
    /** The server could not take it in time (503): capacity must change. */
    OVERLOAD("overload");

    private final String label;

    ErrorKind(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  /** A request failed for this reason (also count it as {@link #finished} with ok false). */
  public void failed(ErrorKind kind) {
    switch (kind) {
      case BAD_INPUT -> badInput.inc();
      case MODEL -> modelError.inc();
      case OVERLOAD -> overload.inc();
    }
  }

  /** Totals since start; see {@link InferenceMetrics#sample}. */
  ModelSample sample(
      String provider, long[] request, long[] queue, long[] compute, double[] sumsSeconds) {
    long peak = inflightPeak.getAndSet((long) inflight.get());
    return new ModelSample(
        name,
        version,
        provider,
        success.getLongValue(),
        failure.getLongValue(),
        badInput.getLongValue(),
        modelError.getLongValue(),
        overload.getLongValue(),
        request,
        queue,
        compute,
        sumsSeconds[0],
        sumsSeconds[1],
        sumsSeconds[2],
        batches.getCount(),
        Math.round(batches.getSum()),
        Math.max(peak, (long) inflight.get()));
  }

  /**
   * A request ended.
   *
   * @param ok whether it was answered
   * @param rows the inferences it stood for (the rows of its batch), counted when answered
   * @param requestNanos from its body read to its answer
   * @param queueNanos until its model run began; negative when it never ran
   * @param computeNanos of its model run; negative when the run did not finish
   */
  public void finished(
      boolean ok, long rows, long requestNanos, long queueNanos, long computeNanos) {
    inflight.dec();
    if (ok) {
      success.inc();
      inferences.add(rows);
    } else {
      failure.inc();
    }
    lastInferenceMillis = System.currentTimeMillis();
    if (requestNanos >= 0) {
      double seconds = requestNanos / 1e9;
      (ok ? successTime : failureTime).observe(seconds);
      request.observe(seconds);
    }
    if (queueNanos >= 0) {
      queue.observe(queueNanos / 1e9);
    }
    if (computeNanos >= 0) {
      compute.observe(computeNanos / 1e9);
    }
  }

  /** A model run of {@code rows} rows was formed (by dynamic batching, or a lone request). */
  public void batched(int rows) {
    batches.observe(rows);
  }

  /** Requests being answered now. */
  public long inflight() {
    return (long) inflight.get();
  }

  /**
   * The statistics extension's entry, from the same data points /metrics exposes. Execution count
   * is the runs batching formed, or, for a model that does not batch, the runs that answered.
   */
  public ModelStatistics statistics() {
    long runs = batches.getCount();
    return new ModelStatistics(
        name,
        version,
        lastInferenceMillis,
        inferences.sum(),
        runs > 0 ? runs : compute.getCount(),
        duration(successTime),
        duration(failureTime),
        duration(queue),
        duration(compute));
  }

  private static ModelStatistics.Duration duration(DistributionDataPoint d) {
    return new ModelStatistics.Duration(d.getCount(), Math.round(d.getSum() * 1e9));
  }
}
