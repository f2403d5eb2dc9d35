package io.gpux.server;

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
 * parameters.binary_data_size}. Tritonclient uses it by default. Requests are read by {@link
 * OipRequest}; this writes the answer's binary outputs.
 */
public final class BinaryTensors {
  private BinaryTensors() {}

  /**
   * A BYTES tensor as the protocol writes it, over HTTP and gRPC alike: each element's UTF-8 bytes
   * after its 4-byte little-endian length.
   */
  public static byte[] lengthPrefixed(Tensor t) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (String s : t.strings()) {
      byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
      out.writeBytes(
          ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(bytes.length).array());
      out.writeBytes(bytes);
    }
    return out.toByteArray();
  }

  /** The raw little-endian form of an output tensor. */
  static byte[] encode(Tensor t) {
    if (t.type() == ElementType.STRING) {
      return lengthPrefixed(t);
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

  static void swap(ByteBuffer from, ByteBuffer to, int width) {
    byte[] element = new byte[width];
    while (from.hasRemaining()) {
      from.get(element);
      for (int i = width - 1; i >= 0; i--) {
        to.put(element[i]);
      }
    }
  }
}
