package io.gpux.tensor;

import io.gpux.onnx.ElementType;
import java.util.List;

/**
 * What a model expects of one input or promises of one output.
 *
 * @param shape -1 marks a dynamic dimension; null when even the rank is unknown
 * @param dimNames the symbolic names of dynamic dimensions (e.g. "batch"), null entries otherwise
 */
public record TensorSignature(
    String name, ElementType type, List<Long> shape, List<String> dimNames) {

  public TensorSignature {
    shape = shape == null ? null : List.copyOf(shape);
    dimNames =
        dimNames == null
            ? null
            : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(dimNames));
  }

  public boolean isDynamic(int dim) {
    return shape.get(dim) < 0;
  }

  /** The shape as people read it: {@code [batch, 64]}, {@code [?, 3]}. */
  public String shapeText() {
    if (shape == null) {
      return "[unknown rank]";
    }
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < shape.size(); i++) {
      if (i > 0) {
        sb.append(", ");
      }
      if (shape.get(i) >= 0) {
        sb.append(shape.get(i));
      } else {
        String dimName = dimNames == null ? null : dimNames.get(i);
        sb.append(dimName == null || dimName.isEmpty() ? "?" : dimName);
      }
    }
    return sb.append(']').toString();
  }
}
