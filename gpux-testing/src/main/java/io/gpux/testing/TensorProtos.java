package io.gpux.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Array;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Serialized ONNX {@code TensorProto}s, the {@code input_N.pb} / {@code output_N.pb} files of the
 * zoo's and ONNX's backend-test data sets ({@code test_data_set_0/}). Numbers go either into {@code
 * raw_data} (little-endian bytes, what {@code onnx.numpy_helper.from_array} writes) or into the
 * typed repeated fields ({@code float_data}, {@code int32_data}, {@code int64_data}, {@code
 * double_data}, {@code uint64_data}), which older exporters wrote and readers must still take.
 */
public final class TensorProtos {
  private static final int FLOAT_DATA = 4;
  private static final int INT32_DATA = 5;
  private static final int STRING_DATA = 6;
  private static final int INT64_DATA = 7;
  private static final int RAW_DATA = 9;
  private static final int DOUBLE_DATA = 10;
  private static final int UINT64_DATA = 11;

  private TensorProtos() {}

  /** A tensor with its numbers in {@code raw_data} (strings: {@code string_data}). */
  public static byte[] raw(String name, String dataType, long[] dims, Object values) {
    DataType type = DataType.named(dataType);
    ProtoWriter t = OnnxModelBuilder.tensorHeader(name, type, dims, values);
    if (type == DataType.STRING) {
      return strings(t, (String[]) values);
    }
    return t.bytes(RAW_DATA, type.rawData(values)).toByteArray();
  }

  /**
   * A tensor with its numbers in the typed repeated field the type belongs to: float32 in {@code
   * float_data}; the small integers, bool and float16 bits in {@code int32_data}; int64 in {@code
   * int64_data}; float64 in {@code double_data}; uint32 and uint64 in {@code uint64_data}.
   */
  public static byte[] typed(String name, String dataType, long[] dims, Object values) {
    DataType type = DataType.named(dataType);
    ProtoWriter t = OnnxModelBuilder.tensorHeader(name, type, dims, values);
    int n = Array.getLength(values);
    switch (type) {
      case STRING -> {
        return strings(t, (String[]) values);
      }
      case FLOAT32 -> {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
          f[i] = ((Number) Array.get(values, i)).floatValue();
        }
        t.packedFloats(FLOAT_DATA, f);
      }
      case FLOAT64 -> {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
          d[i] = ((Number) Array.get(values, i)).doubleValue();
        }
        t.packedDoubles(DOUBLE_DATA, d);
      }
      case INT64 -> t.packedVarints(INT64_DATA, longs(values, n));
      case UINT32, UINT64 -> t.packedVarints(UINT64_DATA, longs(values, n));
      default -> t.packedVarints(INT32_DATA, longs(values, n));
    }
    return t.toByteArray();
  }

  private static long[] longs(Object values, int n) {
    long[] out = new long[n];
    for (int i = 0; i < n; i++) {
      Object v = Array.get(values, i);
      out[i] = v instanceof Boolean b ? (b ? 1 : 0) : ((Number) v).longValue();
    }
    return out;
  }

  private static byte[] strings(ProtoWriter t, String[] values) {
    for (String s : values) {
      t.bytes(STRING_DATA, s.getBytes(StandardCharsets.UTF_8));
    }
    return t.toByteArray();
  }

  /** Writes {@code bytes} to {@code file}, creating its folder. */
  public static Path write(Path file, byte[] bytes) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      return Files.write(file, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
