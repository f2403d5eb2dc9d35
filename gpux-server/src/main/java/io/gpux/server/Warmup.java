package io.gpux.server;

import io.gpux.inference.InferenceModel;
import io.gpux.tensor.Tensor;
import io.gpux.tensor.TensorRows;
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
    return TensorRows.zeros(model.inputs());
  }
}
