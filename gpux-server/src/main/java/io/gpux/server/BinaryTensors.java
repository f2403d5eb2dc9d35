package io.gpux.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.gpux.onnx.ElementType;
import io.gpux.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The Open Inference Protocol's binary tensor extension: after a JSON header of {@code
 * Inference-Header-Content-Length} bytes, tensors follow as raw little-endian bytes (BYTES elements
 * each with a 4-byte length), in the order of the inputs (or outputs) that declare {@code
 * parameters.binary_data_size}. Tritonclient uses it by default.
 */
final class BinaryTensors {
  private BinaryTensors() {}

  static ElementType type(String datatype) {
    return switch (datatype) {
      case "FP32" -> ElementType.FLOAT32;
      case "FP64" -> ElementType.FLOAT64;
      case "FP16" -> ElementType.FLOAT16;
      case "BF16" -> ElementType.BFLOAT16;
      case "BYTES" -> ElementType.STRING;
      default -> {
        ElementType t = ElementType.parse(datatype);
        if (t == null) {
          throw new HttpError(400, "unknown datatype '" + datatype + "'");
        }
        yield t;
      }
    };
  }

  /** A numeric tensor from its raw little-endian bytes. */
  static Tensor numeric(
      String name, ElementType type, long[] shape, byte[] body, int offset, int size) {
    long expected = Tensor.elementCount(shape) * type.byteSize();
    if (size != expected) {
      throw new HttpError(
          400,
          "input '"
              + name
              + "' has "
              + size
              + " bytes of binary data; "
              + type
              + java.util.Arrays.toString(shape)
              + " needs "
              + expected);
    }
    ByteBuffer direct = Tensor.allocate(type, Tensor.elementCount(shape));
    ByteBuffer le = ByteBuffer.wrap(body, offset, size).order(ByteOrder.LITTLE_ENDIAN);
    if (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
      direct.put(le);
    } else {
      swap(le, direct, type.byteSize());
    }
    direct.flip();
    return Tensor.of(type, shape, direct);
  }

  /** BYTES elements (4-byte little-endian length, then the bytes) as a JSON array of strings. */
  static ArrayNode strings(String name, byte[] body, int offset, int size) {
    ArrayNode out = Exchange.MAPPER.createArrayNode();
    ByteBuffer b = ByteBuffer.wrap(body, offset, size).order(ByteOrder.LITTLE_ENDIAN);
    while (b.hasRemaining()) {
      if (b.remaining() < 4) {
        throw new HttpError(400, "input '" + name + "': truncated BYTES element");
      }
      int n = b.getInt();
      if (n < 0 || n > b.remaining()) {
        throw new HttpError(400, "input '" + name + "': a BYTES element claims " + n + " bytes");
      }
      byte[] s = new byte[n];
      b.get(s);
      out.add(new String(s, StandardCharsets.UTF_8));
    }
    return out;
  }

  /** The raw little-endian form of an output tensor. */
  static byte[] encode(Tensor t) {
    if (t.type() == ElementType.STRING) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (String s : t.strings()) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.writeBytes(
            ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(bytes.length).array());
        out.writeBytes(bytes);
      }
      return out.toByteArray();
    }
    ByteBuffer data = t.data();
    byte[] out = new byte[data.remaining()];
    if (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
      data.get(out);
    } else {
      swap(data, ByteBuffer.wrap(out), t.type().byteSize());
    }
    return out;
  }

  private static void swap(ByteBuffer from, ByteBuffer to, int width) {
    byte[] element = new byte[width];
    while (from.hasRemaining()) {
      from.get(element);
      for (int i = width - 1; i >= 0; i--) {
        to.put(element[i]);
      }
    }
  }

  static long[] shape(JsonNode shape) {
    long[] dims = new long[shape.size()];
    for (int i = 0; i < dims.length; i++) {
      dims[i] = shape.get(i).asLong();
    }
    return dims;
  }
}
