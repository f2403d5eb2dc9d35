package io.gpux.tensor;

import ai.onnxruntime.platform.Fp16Conversions;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.gpux.error.GpuxException;
import io.gpux.onnx.ElementType;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Converts between JSON values (nested arrays, as {@code gpux run --input} and the Python GPUX's
 * {@code /predict} take them) and {@link Tensor}s of the dtype the model declares.
 *
 * <p>Values are cast to the model's dtype (the Python GPUX fed float64 to float32 models and
 * failed), but never silently changed: a fraction for an integer input, a value out of the dtype's
 * range or a ragged array is an error that names the input and the position.
 */
public final class JsonTensors {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private JsonTensors() {}

  /**
   * Reads one input. When the value has one dimension fewer than the model expects and the model's
   * first dimension is dynamic, a batch dimension of 1 is added: a single example can be sent
   * without wrapping it in a list.
   */
  public static Tensor read(String input, JsonNode value, TensorSignature expected) {
    long[] shape = inferShape(input, value);
    ElementType type = expected.type();
    if (type == null) {
      throw GpuxException.invalidInput(
          "input '" + input + "' is not a tensor in the model (a sequence or map)",
          "GPUX feeds tensor inputs only");
    }
    long count = Tensor.elementCount(shape);
    Tensor tensor;
    if (type == ElementType.STRING) {
      String[] out = new String[(int) count];
      checkRectangular(input, value, shape, 0, new ArrayList<>());
      fillStrings(input, value, out, new int[] {0});
      tensor = Tensor.ofStrings(shape, out);
    } else {
      checkRectangular(input, value, shape, 0, new ArrayList<>());
      ByteBuffer buffer = Tensor.allocate(type, count);
      fillNumbers(input, value, type, buffer, new ArrayList<>());
      buffer.flip();
      tensor = Tensor.of(type, shape, buffer);
    }
    return conform(input, tensor, expected);
  }

  /** Checks rank and fixed dimensions against the model; adds the batch dimension when allowed. */
  public static Tensor conform(String input, Tensor tensor, TensorSignature expected) {
    List<Long> want = expected.shape();
    if (want == null) {
      return tensor;
    }
    long[] shape = tensor.shape();
    if (shape.length + 1 == want.size() && want.get(0) < 0) {
      long[] batched = new long[shape.length + 1];
      batched[0] = 1;
      System.arraycopy(shape, 0, batched, 1, shape.length);
      tensor = reshape(tensor, batched);
      shape = batched;
    }
    if (shape.length != want.size()) {
      throw GpuxException.invalidInput(
          "input '"
              + input
              + "' has shape "
              + Arrays.toString(shape)
              + " (rank "
              + shape.length
              + ") but the model expects "
              + expected.shapeText()
              + " (rank "
              + want.size()
              + ")",
          "send a " + want.size() + "-dimensional nested array for '" + input + "'");
    }
    for (int i = 0; i < shape.length; i++) {
      if (want.get(i) >= 0 && want.get(i) != shape[i]) {
        throw GpuxException.invalidInput(
            "input '"
                + input
                + "' has shape "
                + Arrays.toString(shape)
                + " but the model expects "
                + expected.shapeText()
                + ": dimension "
                + i
                + " must be "
                + want.get(i),
            "resize '" + input + "' to " + expected.shapeText());
      }
    }
    return tensor;
  }

  private static Tensor reshape(Tensor t, long[] shape) {
    return t.type() == ElementType.STRING
        ? Tensor.ofStrings(shape, t.strings())
        : Tensor.of(t.type(), shape, t.data());
  }

  private static long[] inferShape(String input, JsonNode value) {
    List<Long> dims = new ArrayList<>();
    JsonNode node = value;
    while (node.isArray()) {
      dims.add((long) node.size());
      if (node.isEmpty()) {
        break;
      }
      node = node.get(0);
    }
    if (node.isObject()) {
      throw GpuxException.invalidInput(
          "input '"
              + input
              + "' holds a JSON object; a tensor is a number, a string or a nested array",
          "send e.g. {\"" + input + "\": [[1.0, 2.0]]}");
    }
    return dims.stream().mapToLong(Long::longValue).toArray();
  }

  /** Every array at depth d must have shape[d] items, and leaves must sit at the full depth. */
  private static void checkRectangular(
      String input, JsonNode node, long[] shape, int depth, List<Integer> at) {
    if (depth == shape.length) {
      if (node.isArray()) {
        throw ragged(input, position(at));
      }
      return;
    }
    if (!node.isArray() || node.size() != shape[depth]) {
      throw ragged(input, position(at));
    }
    for (int i = 0; i < node.size(); i++) {
      at.add(i);
      checkRectangular(input, node.get(i), shape, depth + 1, at);
      at.remove(at.size() - 1);
    }
  }

  private static void fillStrings(String input, JsonNode node, String[] out, int[] next) {
    if (node.isArray()) {
      for (JsonNode child : node) {
        fillStrings(input, child, out, next);
      }
      return;
    }
    if (!node.isTextual()) {
      throw GpuxException.invalidInput(
          "input '"
              + input
              + "' is a string tensor but holds "
              + node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT)
              + " "
              + node,
          "send strings for '" + input + "'");
    }
    if (next[0] >= out.length) {
      throw ragged(input, "");
    }
    out[next[0]++] = node.textValue();
  }

  private static void fillNumbers(
      String input, JsonNode node, ElementType type, ByteBuffer out, List<Integer> at) {
    if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        at.add(i);
        fillNumbers(input, node.get(i), type, out, at);
        at.remove(at.size() - 1);
      }
      return;
    }
    if (!out.hasRemaining()) {
      throw ragged(input, position(at));
    }
    if (type == ElementType.BOOL) {
      putBool(input, node, out, at);
      return;
    }
    if (!node.isNumber()) {
      throw notNumber(input, position(at), describe(node), type, node.isTextual());
    }
    if (type.isFloatingPoint()) {
      putFloat(input, position(at), node.doubleValue(), type, out);
      return;
    }
    BigInteger value;
    try {
      value = node.decimalValue().toBigIntegerExact();
    } catch (ArithmeticException e) {
      throw notWhole(input, position(at), node.toString(), type);
    }
    putInteger(input, position(at), value, type, out);
  }

  /**
   * Writes a floating-point value, refusing one outside the dtype's range: JSON has no infinity, so
   * 1e39 for a float32 input (or 1e400, which parses as an infinite double) is a mistake, not a
   * value to run.
   */
  static void putFloat(String input, String where, double d, ElementType type, ByteBuffer out) {
    float f = (float) d;
    boolean fits =
        switch (type) {
          case FLOAT64 -> Double.isFinite(d);
          case FLOAT16 -> Float.isFinite(f) && Math.abs(f) <= 65504f;
          default -> Float.isFinite(f);
        };
    if (!fits) {
      throw outOfRange(
          input,
          where,
          Double.isInfinite(d) ? "beyond the range of a double" : Double.toString(d),
          type.toString(),
          "send finite values that fit " + type + " for '" + input + "'");
    }
    switch (type) {
      case FLOAT32 -> out.putFloat(f);
      case FLOAT64 -> out.putDouble(d);
      case FLOAT16 -> out.putShort(Fp16Conversions.floatToFp16(f));
      default -> out.putShort(Fp16Conversions.floatToBf16(f));
    }
  }

  static GpuxException notNumber(
      String input, String where, String described, ElementType type, boolean text) {
    return GpuxException.invalidInput(
        "input '"
            + input
            + "'"
            + where
            + " is "
            + described
            + ", but the model takes "
            + type
            + " numbers",
        text
            ? "send numbers; text needs a model that takes token ids and a tokenizer.json"
            : "send numbers for '" + input + "'");
  }

  static GpuxException notWhole(String input, String where, String value, ElementType type) {
    return GpuxException.invalidInput(
        "input '"
            + input
            + "'"
            + where
            + " is "
            + value
            + ", not a whole number, but the model takes "
            + type,
        "send whole numbers for '" + input + "'");
  }

  private static GpuxException outOfRange(
      String input, String where, String value, String range, String hint) {
    return GpuxException.invalidInput(
        "input '" + input + "'" + where + " is " + value + ", outside the range of " + range, hint);
  }

  static void putInteger(
      String input, String where, BigInteger value, ElementType type, ByteBuffer out) {
    // Every integer type's range follows from its width and signedness.
    int bits = type.byteSize() * 8;
    boolean unsigned = type.name().startsWith("UINT");
    BigInteger min = unsigned ? BigInteger.ZERO : BigInteger.ONE.shiftLeft(bits - 1).negate();
    BigInteger max =
        (unsigned ? BigInteger.ONE.shiftLeft(bits) : BigInteger.ONE.shiftLeft(bits - 1))
            .subtract(BigInteger.ONE);
    if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      throw outOfRange(
          input,
          where,
          value.toString(),
          type + " (" + min + " to " + max + ")",
          "send values that fit " + type);
    }
    long v = value.longValue();
    switch (type.byteSize()) {
      case 1 -> out.put((byte) v);
      case 2 -> out.putShort((short) v);
      case 4 -> out.putInt((int) v);
      default -> out.putLong(v);
    }
  }

  private static void putBool(String input, JsonNode node, ByteBuffer out, List<Integer> at) {
    if (node.isBoolean()) {
      out.put((byte) (node.booleanValue() ? 1 : 0));
    } else if (node.isIntegralNumber() && (node.longValue() == 0 || node.longValue() == 1)) {
      out.put((byte) node.longValue());
    } else {
      throw GpuxException.invalidInput(
          "input '" + input + "'" + position(at) + " is " + node + ", but the model takes bool",
          "send true/false (or 1/0) for '" + input + "'");
    }
  }

  static GpuxException ragged(String input, String where) {
    return GpuxException.invalidInput(
        "input '" + input + "' is a ragged array" + where + ": rows must all have the same length",
        "pad the rows of '" + input + "' to one length");
  }

  private static String position(List<Integer> at) {
    if (at.isEmpty()) {
      return "";
    }
    StringBuilder sb = new StringBuilder(" at ");
    for (int i : at) {
      sb.append('[').append(i).append(']');
    }
    return sb.toString();
  }

  static String describe(JsonNode node) {
    if (node.isTextual()) {
      String t = node.textValue();
      return "the string \"" + (t.length() > 40 ? t.substring(0, 40) + "..." : t) + "\"";
    }
    return node.isNull() ? "null" : node.toString();
  }

  /**
   * A signature as JSON: {@code {"name", "type", "shape"}}, where a dynamic dimension is its
   * symbolic name ({@code "batch"}) or {@code "?"}. Shared by build records and inspect output.
   */
  public static com.fasterxml.jackson.databind.node.ObjectNode signature(
      ArrayNode array, TensorSignature s) {
    com.fasterxml.jackson.databind.node.ObjectNode o = array.addObject();
    o.put("name", s.name());
    o.put("type", String.valueOf(s.type()));
    ArrayNode shape = o.putArray("shape");
    if (s.shape() != null) {
      for (int i = 0; i < s.shape().size(); i++) {
        String dimName = s.dimNames() == null ? null : s.dimNames().get(i);
        if (s.shape().get(i) >= 0) {
          shape.add(s.shape().get(i));
        } else {
          shape.add(dimName == null || dimName.isEmpty() ? "?" : dimName);
        }
      }
    }
    return o;
  }

  /** The elements as one flat JSON array, row-major (the Open Inference Protocol's form). */
  public static ArrayNode writeFlat(Tensor tensor) {
    ArrayNode out = NODES.arrayNode();
    for (int i = 0; i < tensor.elementCount(); i++) {
      out.add(element(tensor, i));
    }
    return out;
  }

  /** The same elements under another shape with as many elements (flat data from a client). */
  public static Tensor reshape(String input, Tensor t, long[] shape) {
    if (Tensor.elementCount(shape) != t.elementCount()) {
      throw GpuxException.invalidInput(
          "input '"
              + input
              + "' has "
              + t.elementCount()
              + " values but shape "
              + Arrays.toString(shape)
              + " needs "
              + Tensor.elementCount(shape),
          "make data and shape agree");
    }
    return reshape(t, shape);
  }

  /** Writes a tensor as nested JSON arrays (a scalar for rank 0). Floats stay floats. */
  public static JsonNode write(Tensor tensor) {
    long[] shape = tensor.shape();
    if (shape.length == 0) {
      return element(tensor, 0);
    }
    return nest(tensor, shape, 0, new int[] {0});
  }

  /**
   * Writes a tensor as {@link #write(Tensor)} does, the same text, straight to a generator: a large
   * output costs no tree of boxed numbers on its way to the wire.
   */
  public static void write(com.fasterxml.jackson.core.JsonGenerator g, Tensor tensor)
      throws java.io.IOException {
    long[] shape = tensor.shape();
    if (shape.length == 0) {
      element(g, tensor, 0);
      return;
    }
    nest(g, tensor, shape, 0, new int[] {0});
  }

  private static void nest(
      com.fasterxml.jackson.core.JsonGenerator g, Tensor t, long[] shape, int dim, int[] next)
      throws java.io.IOException {
    g.writeStartArray();
    for (long i = 0; i < shape[dim]; i++) {
      if (dim == shape.length - 1) {
        element(g, t, next[0]++);
      } else {
        nest(g, t, shape, dim + 1, next);
      }
    }
    g.writeEndArray();
  }

  private static void element(com.fasterxml.jackson.core.JsonGenerator g, Tensor t, int i)
      throws java.io.IOException {
    switch (t.type()) {
      case STRING -> g.writeString(t.stringAt(i));
      case BOOL -> g.writeBoolean(t.longAt(i) != 0);
      case FLOAT32, FLOAT16, BFLOAT16 -> g.writeNumber((float) t.doubleAt(i));
      case FLOAT64 -> g.writeNumber(t.doubleAt(i));
      case UINT64 -> g.writeNumber(new BigInteger(Long.toUnsignedString(t.longAt(i))));
      default -> g.writeNumber(t.longAt(i));
    }
  }

  private static JsonNode nest(Tensor t, long[] shape, int dim, int[] next) {
    ArrayNode array = NODES.arrayNode((int) Math.min(shape[dim], 1 << 16));
    for (long i = 0; i < shape[dim]; i++) {
      if (dim == shape.length - 1) {
        array.add(element(t, next[0]++));
      } else {
        array.add(nest(t, shape, dim + 1, next));
      }
    }
    return array;
  }

  static JsonNode element(Tensor t, int i) {
    return switch (t.type()) {
      case STRING -> NODES.textNode(t.stringAt(i));
      case BOOL -> NODES.booleanNode(t.longAt(i) != 0);
      case FLOAT32, FLOAT16, BFLOAT16 -> NODES.numberNode((float) t.doubleAt(i));
      case FLOAT64 -> NODES.numberNode(t.doubleAt(i));
      case UINT64 -> NODES.numberNode(new BigInteger(Long.toUnsignedString(t.longAt(i))));
      default -> NODES.numberNode(t.longAt(i));
    };
  }
}
