package io.gpux.onnx;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The size of a model's computation, read from its graph: how many weights the initializers hold
 * and which operators its nodes use. Read by {@link OnnxModelReader#graphStats}; nodes inside
 * subgraphs ({@code If}, {@code Loop} bodies) are counted as the node that holds them.
 *
 * @param parameters the elements of every initializer (the product of its dims), sparse ones too
 * @param initializers how many initializers there are
 * @param nodes how many nodes the main graph has
 * @param operators node count by operator, {@code Conv} or {@code com.microsoft:Attention} (the
 *     domain written only when it is not the default one), in first-use order
 */
public record OnnxGraphStats(
    long parameters, int initializers, int nodes, Map<String, Integer> operators) {
  public OnnxGraphStats {
    operators = Collections.unmodifiableMap(new LinkedHashMap<>(operators));
  }
}
