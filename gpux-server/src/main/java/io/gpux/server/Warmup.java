package io.gpux.server;

import io.gpux.inference.InferenceModel;
import io.gpux.onnx.ElementType;
import io.gpux.tensor.Tensor;
import io.gpux.tensor.TensorSignature;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One run of each model with zero-filled inputs (dynamic dimensions set to 1) before the server
 * says it is ready, so the first real request does not pay for ONNX Runtime's lazy initialisation
 * (kernel selection, arena growth, a GPU provider's graph capture).
 */
final class Warmup {
  private Warmup() {}

  /** Runs the model once; returns null, or why the synthetic request failed. */
  static String run(InferenceModel model) {
    try {
      model.run(zeros(model));
      return null;
    } catch (RuntimeException e) {
      // Zeros may be outside what a model accepts (an index, a mask); that is not a broken model.
      return e.getMessage();
    }
  }

  static Map<String, Tensor> zeros(InferenceModel model) {
    Map<String, Tensor> feeds = new LinkedHashMap<>();
    for (TensorSignature s : model.inputs()) {
      long[] shape =
          s.shape() == null
              ? new long[] {1}
              : s.shape().stream().mapToLong(d -> d < 0 ? 1 : d).toArray();
      ElementType type = s.type() == null ? ElementType.FLOAT32 : s.type();
      if (type == ElementType.STRING) {
        String[] values = new String[(int) Tensor.elementCount(shape)];
        Arrays.fill(values, "");
        feeds.put(s.name(), Tensor.ofStrings(shape, values));
      } else {
        feeds.put(
            s.name(), Tensor.of(type, shape, Tensor.allocate(type, Tensor.elementCount(shape))));
      }
    }
    return feeds;
  }
}
