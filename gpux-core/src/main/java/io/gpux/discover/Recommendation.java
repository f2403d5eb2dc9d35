package io.gpux.discover;

import io.gpux.index.LatencyTables;
import java.util.List;

/**
 * {@code gpux recommend}'s answer: the models that meet the constraints, best first, each saying
 * why, and those left out with the reason.
 *
 * @param machine the fingerprint latencies were measured (or estimated) for
 * @param failures registries that did not answer (the rest were weighed)
 */
public record Recommendation(
    RecommendQuery query,
    String task,
    List<Recommended> recommendations,
    List<Excluded> excluded,
    List<SearchResult.Failure> failures,
    LatencyTables.Fingerprint machine) {

  /**
   * One recommended model.
   *
   * @param ref a reference pasteable into {@code gpux pull}
   * @param score the objective's value, 1 for the best: the accuracy under {@code --prefer
   *     accuracy}, the best p50 over this one's under {@code latency}, the smallest size over this
   *     one's under {@code size}
   * @param latency null when neither measured nor estimable
   * @param accuracy null when no registry states one
   */
  public record Recommended(
      String ref,
      String registry,
      String task,
      double score,
      Latency latency,
      long sizeBytes,
      Accuracy accuracy,
      List<String> reasons) {
    public Recommended {
      reasons = List.copyOf(reasons);
    }
  }

  /**
   * Latency at batch 1 on this machine.
   *
   * @param measured true when the harness measured it here (now or earlier: {@code cached}), false
   *     for an estimate from the model's FLOPs calibrated on this machine's measurements
   */
  public record Latency(double p50Ms, double p99Ms, boolean measured, boolean cached) {}

  /**
   * An accuracy as a registry states it.
   *
   * @param value a fraction (a stated percentage is divided by 100)
   * @param metric the figure's name ({@code accuracy}, {@code f1}, {@code val_accuracy})
   * @param source where it was read ({@code hf model-index}, {@code mlflow run metrics}, {@code
   *     wandb run summary})
   * @param dataset the dataset it was measured on, or null when not stated
   */
  public record Accuracy(double value, String metric, String source, String dataset) {}

  /** A candidate left out, and why. */
  public record Excluded(String ref, String why) {}

  public Recommendation {
    recommendations = List.copyOf(recommendations);
    excluded = List.copyOf(excluded);
    failures = List.copyOf(failures);
  }
}
