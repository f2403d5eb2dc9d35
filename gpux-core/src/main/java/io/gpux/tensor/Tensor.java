package io.gpux.tensor;

import ai.onnxruntime.platform.Fp16Conversions;
import io.gpux.onnx.ElementType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * A dense tensor in host memory: an element type, a shape and the elements.
 *
 * <p>Numeric data lives in a direct, native-order {@link ByteBuffer}, the layout ONNX Runtime reads
 * without copying. Strings are a flat array. Instances are not copied defensively (tensors can be
 * large); treat them as immutable once built.
 */
public final class Tensor {
  private final ElementType type;
  private final long[] shape;
  private final ByteBuffer data;
  private final String[] strings;

  private Tensor(ElementType type, long[] shape, ByteBuffer data, String[] strings) {
    this.type = Objects.requireNonNull(type);
    this.shape = shape.clone();
    this.data = data;
    this.strings = strings;
  }

  /** Wraps numeric data; {@code data} must hold exactly the elements of {@code shape}. */
  public static Tensor of(ElementType type, long[] shape, ByteBuffer data) {
    if (type == ElementType.STRING) {
      throw new IllegalArgumentException("use ofStrings for string tensors");
    }
    long expected = elementCount(shape) * type.byteSize();
    if (data.remaining() != expected) {
      throw new IllegalArgumentException(
          "a "
              + type
              + Arrays.toString(shape)
              + " tensor needs "
              + expected
              + " bytes, got "
              + data.remaining());
    }
    return new Tensor(type, shape, data.slice().order(ByteOrder.nativeOrder()), null);
  }

  public static Tensor ofStrings(long[] shape, String... values) {
    if (values.length != elementCount(shape)) {
      throw new IllegalArgumentException(
          "shape " + Arrays.toString(shape) + " needs " + elementCount(shape) + " strings");
    }
    return new Tensor(ElementType.STRING, shape, null, values.clone());
  }

  public static Tensor ofFloats(long[] shape, float... values) {
    ByteBuffer b = allocate(ElementType.FLOAT32, values.length);
    b.asFloatBuffer().put(values);
    return of(ElementType.FLOAT32, shape, b);
  }

  public static Tensor ofLongs(long[] shape, long... values) {
    ByteBuffer b = allocate(ElementType.INT64, values.length);
    b.asLongBuffer().put(values);
    return of(ElementType.INT64, shape, b);
  }

  /** A zeroed direct buffer in native order for {@code count} elements of {@code type}. */
  public static ByteBuffer allocate(ElementType type, long count) {
    long bytes = count * type.byteSize();
    if (bytes > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "tensors over 2 GiB are not supported (" + bytes + " bytes)");
    }
    return ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.nativeOrder());
  }

  public ElementType type() {
    return type;
  }

  public long[] shape() {
    return shape.clone();
  }

  public int rank() {
    return shape.length;
  }

  public long elementCount() {
    return elementCount(shape);
  }

  /** The numeric data, positioned at 0; a read-only view. Null for string tensors. */
  public ByteBuffer data() {
    return data == null ? null : data.asReadOnlyBuffer().order(ByteOrder.nativeOrder());
  }

  public String[] strings() {
    return strings == null ? null : strings.clone();
  }

  public String stringAt(int index) {
    return strings[index];
  }

  /** Element {@code index} (row-major) as a double; booleans are 0 or 1. */
  public double doubleAt(int index) {
    return switch (type) {
      case FLOAT32 -> data.getFloat(index * 4);
      case FLOAT64 -> data.getDouble(index * 8);
      case FLOAT16 -> Fp16Conversions.fp16ToFloat(data.getShort(index * 2));
      case BFLOAT16 -> Fp16Conversions.bf16ToFloat(data.getShort(index * 2));
      default -> longAt(index);
    };
  }

  /** Element {@code index} (row-major) of an integer or boolean tensor. */
  public long longAt(int index) {
    return switch (type) {
      case INT8, BOOL -> data.get(index);
      case UINT8 -> Byte.toUnsignedInt(data.get(index));
      case INT16 -> data.getShort(index * 2);
      case UINT16 -> Short.toUnsignedInt(data.getShort(index * 2));
      case INT32 -> data.getInt(index * 4);
      case UINT32 -> Integer.toUnsignedLong(data.getInt(index * 4));
      case INT64, UINT64 -> data.getLong(index * 8);
      default -> (long) doubleAt(index);
    };
  }

  public static long elementCount(long[] shape) {
    long n = 1;
    for (long d : shape) {
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  @Override
  public String toString() {
    return "Tensor[" + type + Arrays.toString(shape) + "]";
  }
}
