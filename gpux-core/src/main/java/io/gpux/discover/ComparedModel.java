package io.gpux.discover;

import io.gpux.benchmark.LatencyStats;
import io.gpux.tensor.TensorSignature;
import java.util.List;
import java.util.Map;

/**
 * What {@code gpux compare} knows of one model, from its files, its store manifest and what its
 * registry states; a recommendation ranks on the same facts.
 *
 * @param registry the registry it came from, or {@code local} for a project on disk
 * @param version the registry's exact version (a commit, a version number, a digest), or null
 * @param sizeBytes the files' size on disk
 * @param parameters the elements of its initializers
 * @param opset the default-domain operator set, -1 when absent
 * @param nodes the main graph's node count
 * @param operators node count by operator type
 * @param unsupported operators the execution provider refused, from ONNX Runtime's own error when
 *     the session would not open; empty when it opened
 * @param provider the execution provider the session was opened with, or null when it did not open
 * @param loadError ONNX Runtime's reason when the session would not open, or null
 * @param labels the labels of each output that has them (from gpux.yml)
 * @param figures the quality figures the registries state, each with its source
 * @param measurement latency and memory measured here, or null without {@code --measure}
 */
public record ComparedModel(
    String reference,
    String registry,
    String version,
    long sizeBytes,
    long parameters,
    long irVersion,
    long opset,
    int nodes,
    Map<String, Integer> operators,
    List<String> unsupported,
    String provider,
    String loadError,
    List<TensorSignature> inputs,
    List<TensorSignature> outputs,
    String license,
    String task,
    Map<String, List<String>> labels,
    List<Figure> figures,
    Measurement measurement) {

  /**
   * A quality figure as a registry states it.
   *
   * @param metric the metric's name ({@code accuracy}, {@code f1}, a run metric's key)
   * @param dataset the dataset it was measured on, or null when not stated
   * @param source where it was read: {@code hf model-index}, {@code mlflow run metrics}, {@code
   *     wandb run summary}
   */
  public record Figure(String metric, double value, String dataset, String source) {
    /** Whether a smaller value is better (losses, errors), judged by the metric's name. */
    public boolean lowerIsBetter() {
      String m = metric.toLowerCase(java.util.Locale.ROOT);
      return m.contains("loss")
          || m.contains("error")
          || m.contains("mse")
          || m.contains("mae")
          || m.contains("perplexity")
          || m.equals("wer")
          || m.equals("cer");
    }
  }

  /**
   * One harness's timings: the same warm-up and runs for every model, on zero-filled inputs.
   *
   * @param batchSize the model's batch size (its fixed first dimension, or gpux.yml's {@code
   *     runtime.batch_size}); 1 when it has none, and then {@code atBatch} is null
   * @param peakMemoryBytes how much the process's resident memory grew while the model was loaded
   *     and run, or -1 where the system does not say
   */
  public record Measurement(
      String provider,
      LatencyStats batchOne,
      long batchSize,
      LatencyStats atBatch,
      long peakMemoryBytes) {}

  public ComparedModel {
    operators = Map.copyOf(operators);
    unsupported = List.copyOf(unsupported);
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
    labels = Map.copyOf(labels);
    figures = List.copyOf(figures);
  }

  /** Whether this model takes the same inputs and gives the same outputs as {@code other}. */
  public boolean sameSignature(ComparedModel other) {
    return Signatures.same(inputs, other.inputs) && Signatures.same(outputs, other.outputs);
  }
}
