package io.gpux.project;

import io.gpux.onnx.ElementType;
import java.util.List;

/**
 * One declared input or output of a project.
 *
 * @param shape null when not declared; -1 marks a dynamic dimension
 * @param labels for outputs: class names, mapped onto the last dimension (or onto class indices)
 */
public record TensorSpec(
    String name,
    ElementType type,
    List<Long> shape,
    boolean required,
    Integer maxLength,
    List<String> labels,
    String description) {

  public TensorSpec {
    shape = shape == null ? null : List.copyOf(shape);
    labels = labels == null ? null : List.copyOf(labels);
  }
}
