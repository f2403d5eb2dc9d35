package io.gpux.diff;

import java.util.List;

/**
 * What differs between two stored versions, A and B. Every list holds each key of either side once,
 * sorted, with its {@link Status}; a value absent on one side is null there.
 *
 * @param a the exact reference of A
 * @param b the exact reference of B
 * @param bytesDelta B's total size minus A's
 * @param inputs the ONNX inputs as {@code float32[batch,64]}, empty when neither has an ONNX file
 * @param labels each output's labels, comma-separated
 * @param metrics the run metrics (MLflow) or run summary (W&amp;B)
 * @param params the run parameters (MLflow) or run config (W&amp;B)
 */
public record ModelDiff(
    String a,
    String b,
    List<FileChange> files,
    long bytesDelta,
    List<Change> inputs,
    List<Change> outputs,
    List<Change> opsets,
    List<Change> metadata,
    List<Change> labels,
    List<Change> metrics,
    List<Change> params) {

  /** How one key compares. */
  public enum Status {
    SAME,
    ADDED,
    REMOVED,
    CHANGED;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** One key (an input name, an opset domain, a metric) and its value on each side. */
  public record Change(String key, String a, String b, Status status) {}

  /** One file: its size and sha256 on each side (-1 and null where it is absent). */
  public record FileChange(
      String path, long sizeA, long sizeB, String sha256A, String sha256B, Status status) {}

  /** Whether anything at all differs. */
  public boolean identical() {
    return files.stream().allMatch(f -> f.status() == Status.SAME)
        && java.util.stream.Stream.of(inputs, outputs, opsets, metadata, labels, metrics, params)
            .flatMap(List::stream)
            .allMatch(c -> c.status() == Status.SAME);
  }
}
