package io.gpux.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Ready-made ONNX models shared by the tests of every module. Each method takes a directory (the
 * model gets a default file name in it) or a file path, writes the model and returns its path.
 * Every model loads and runs in ONNX Runtime: {@code OnnxModelsTest} proves it.
 */
public final class OnnxModels {
  /** The inputs of {@link #multiDtype}, each named after its type; outputs add {@code _out}. */
  public static final List<String> MULTI_DTYPE_TYPES =
      List.of("float32", "float64", "int32", "int64", "int8", "uint8", "bool");

  private OnnxModels() {}

  public static OnnxModelBuilder builder() {
    return OnnxModelBuilder.builder();
  }

  /** float32 {@code x[batch, 4]} → {@code y = x + 1}. */
  public static Path addOne(Path target) {
    return base()
        .input("x", "float32", "batch", 4)
        .initializer("one", "float32", new long[0], new float[] {1})
        .node("Add", List.of("x", "one"), List.of("y"))
        .output("y", "float32", "batch", 4)
        .writeTo(file(target, "add_one.onnx"));
  }

  /**
   * float32 {@code x[batch, 4]} → {@code y = x + c}: many models that answer differently (batch
   * tests give each its own constant).
   */
  public static Path addConstant(Path target, float c) {
    return base()
        .input("x", "float32", "batch", 4)
        .initializer("c", "float32", new long[0], new float[] {c})
        .node("Add", List.of("x", "c"), List.of("y"))
        .output("y", "float32", "batch", 4)
        .writeTo(file(target, "add_constant.onnx"));
  }

  /**
   * One {@code [batch, 2]} input per type of {@link #MULTI_DTYPE_TYPES}, named after the type
   * ({@code float32}, {@code int8}...), copied by Identity to {@code <name>_out}.
   */
  public static Path multiDtype(Path target) {
    OnnxModelBuilder model = base();
    for (String type : MULTI_DTYPE_TYPES) {
      model
          .input(type, type, "batch", 2)
          .node("Identity", List.of(type), List.of(type + "_out"))
          .output(type + "_out", type, "batch", 2);
    }
    return model.writeTo(file(target, "multi_dtype.onnx"));
  }

  /**
   * float32 {@code x[N, 3]} → {@code sum[N]} (row sums) and {@code doubled[N, 3]} ({@code x * 2}).
   */
  public static Path twoOutputs(Path target) {
    return base()
        .input("x", "float32", "N", 3)
        // Since opset 13 ReduceSum takes its axes as an input, not an attribute.
        .initializer("axes", "int64", new long[] {1}, new long[] {1})
        .initializer("two", "float32", new long[0], new float[] {2})
        .node("ReduceSum", List.of("x", "axes"), List.of("sum"), Map.of("keepdims", 0))
        .node("Mul", List.of("x", "two"), List.of("doubled"))
        .output("sum", "float32", "N")
        .output("doubled", "float32", "N", 3)
        .writeTo(file(target, "two_outputs.onnx"));
  }

  /** string {@code text[batch]} → Identity → {@code text_out[batch]}. */
  public static Path stringIdentity(Path target) {
    return base()
        .input("text", "string", "batch")
        .node("Identity", List.of("text"), List.of("text_out"))
        .output("text_out", "string", "batch")
        .writeTo(file(target, "string_identity.onnx"));
  }

  /**
   * The shape of a transformer's tokenized input: int64 {@code input_ids[batch, seq]} and {@code
   * attention_mask[batch, seq]} → int64 {@code masked = input_ids * attention_mask} and {@code
   * lengths[batch]} (the mask's row sums, i.e. the number of real tokens).
   */
  public static Path tokenIdsModel(Path target) {
    return base()
        .input("input_ids", "int64", "batch", "seq")
        .input("attention_mask", "int64", "batch", "seq")
        .initializer("axes", "int64", new long[] {1}, new long[] {1})
        .node("Mul", List.of("input_ids", "attention_mask"), List.of("masked"))
        .node(
            "ReduceSum",
            List.of("attention_mask", "axes"),
            List.of("lengths"),
            Map.of("keepdims", 0))
        .output("masked", "int64", "batch", "seq")
        .output("lengths", "int64", "batch")
        .writeTo(file(target, "token_ids.onnx"));
  }

  /**
   * float32 {@code x[batch, size]} through {@code depth} MatMuls by fixed pseudo-random {@code size
   * x size} weights, with Relu between them, to {@code y[batch, size]}: a model whose cost is known
   * ({@code 2 * batch * size² * depth} flops, {@code 4 * size² * depth} bytes of weights), for
   * benchmarks. Weights are seeded, so the same arguments always give the same file; they are
   * scaled (He initialisation) so that activations neither vanish nor explode with depth.
   */
  public static Path matMulChain(Path target, int size, int depth) {
    if (size < 1 || depth < 1) {
      throw new IllegalArgumentException("size and depth must be >= 1");
    }
    OnnxModelBuilder model = base().input("x", "float32", "batch", size);
    String previous = "x";
    for (int layer = 0; layer < depth; layer++) {
      String weights = "w" + layer;
      String product = layer == depth - 1 ? "y" : "matmul" + layer;
      model
          .initializer(weights, "float32", new long[] {size, size}, weights(size, 42L + layer))
          .node("MatMul", List.of(previous, weights), List.of(product));
      previous = product;
      if (layer < depth - 1) {
        previous = "relu" + layer;
        model.node("Relu", List.of(product), List.of(previous));
      }
    }
    return model
        .output("y", "float32", "batch", size)
        .writeTo(file(target, "matmul_chain_" + size + "x" + depth + ".onnx"));
  }

  private static float[] weights(int size, long seed) {
    Random random = new Random(seed);
    float bound = (float) Math.sqrt(6.0 / size);
    float[] w = new float[size * size];
    for (int i = 0; i < w.length; i++) {
      w[i] = (random.nextFloat() * 2 - 1) * bound;
    }
    return w;
  }

  private static OnnxModelBuilder base() {
    return OnnxModelBuilder.builder().producer("gpux-testing", "1").irVersion(8).opset(17);
  }

  private static Path file(Path target, String defaultName) {
    return Files.isDirectory(target) ? target.resolve(defaultName) : target;
  }
}
