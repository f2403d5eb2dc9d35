package io.gpux.testing;

import java.lang.reflect.Array;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * ONNX {@code TensorProto.DataType} codes by the names GPUX uses. A copy of the small part of
 * gpux-core's {@code ElementType} that the writer needs, because this module must not depend on the
 * core (the core's own tests depend on it).
 */
enum DataType {
  FLOAT32(1, "float32", 4),
  UINT8(2, "uint8", 1),
  INT8(3, "int8", 1),
  UINT16(4, "uint16", 2),
  INT16(5, "int16", 2),
  INT32(6, "int32", 4),
  INT64(7, "int64", 8),
  STRING(8, "string", 0),
  BOOL(9, "bool", 1),
  FLOAT16(10, "float16", 2),
  FLOAT64(11, "float64", 8),
  UINT32(12, "uint32", 4),
  UINT64(13, "uint64", 8);

  final int code;
  final String displayName;
  final int byteSize;

  DataType(int code, String displayName, int byteSize) {
    this.code = code;
    this.displayName = displayName;
    this.byteSize = byteSize;
  }

  static DataType named(String name) {
    for (DataType t : values()) {
      if (t.displayName.equals(name)) {
        return t;
      }
    }
    throw new IllegalArgumentException(
        "unknown data type '"
            + name
            + "'; use one of "
            + Arrays.stream(values()).map(t -> t.displayName).collect(Collectors.joining(", ")));
  }

  /**
   * Encodes a primitive array as ONNX {@code raw_data}: little-endian elements of this type. Any
   * numeric or boolean array is accepted and converted element by element, so {@code int64} weights
   * may be given as an {@code int[]}; {@code float16} takes the IEEE half bits as a {@code
   * short[]}, because Java 17 has no float-to-half conversion.
   */
  byte[] rawData(Object values) {
    if (this == STRING) {
      throw new IllegalArgumentException("string tensors have no raw data; pass a String[]");
    }
    if (values == null || !values.getClass().isArray()) {
      throw new IllegalArgumentException("tensor values must be a primitive array, not " + values);
    }
    int n = Array.getLength(values);
    ByteBuffer buf = ByteBuffer.allocate(n * byteSize).order(ByteOrder.LITTLE_ENDIAN);
    if (this == FLOAT32 && values instanceof float[] floats) {
      // The fast path: benchmark models carry tens of megabytes of float weights.
      buf.asFloatBuffer().put(floats);
      return buf.array();
    }
    for (int i = 0; i < n; i++) {
      put(buf, Array.get(values, i));
    }
    return buf.array();
  }

  private void put(ByteBuffer buf, Object element) {
    if (this == FLOAT16 && !(element instanceof Short)) {
      throw new IllegalArgumentException("float16 values must be given as half bits in a short[]");
    }
    switch (this) {
      case FLOAT32 -> buf.putFloat((float) asDouble(element));
      case FLOAT64 -> buf.putDouble(asDouble(element));
      case INT8, UINT8 -> buf.put((byte) asLong(element));
      case INT16, UINT16, FLOAT16 -> buf.putShort((short) asLong(element));
      case INT32, UINT32 -> buf.putInt((int) asLong(element));
      case INT64, UINT64 -> buf.putLong(asLong(element));
      case BOOL -> buf.put((byte) (asLong(element) != 0 ? 1 : 0));
      case STRING -> throw new AssertionError("checked by the caller");
    }
  }

  private static long asLong(Object element) {
    if (element instanceof Boolean b) {
      return b ? 1 : 0;
    }
    if (element instanceof Float || element instanceof Double) {
      return (long) ((Number) element).doubleValue();
    }
    return ((Number) element).longValue();
  }

  private static double asDouble(Object element) {
    if (element instanceof Boolean b) {
      return b ? 1 : 0;
    }
    return ((Number) element).doubleValue();
  }
}
