package io.gpux.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gpux.error.ErrorCategory;
import io.gpux.error.GpuxException;
import io.gpux.testing.TensorProtos;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Both encodings of every element type gpux runs, as writers produce them. */
class TensorProtoReaderTest {
  @TempDir Path dir;

  private TensorData read(byte[] proto) {
    return TensorProtoReader.read(TensorProtos.write(dir.resolve("t.pb"), proto));
  }

  private static long[] longs(TensorData t) {
    ByteBuffer b = t.data().duplicate().order(java.nio.ByteOrder.nativeOrder());
    int size = t.type().byteSize();
    long[] out = new long[b.remaining() / size];
    for (int i = 0; i < out.length; i++) {
      out[i] =
          switch (size) {
            case 1 -> b.get(i);
            case 2 -> b.getShort(i * 2);
            case 4 -> b.getInt(i * 4);
            default -> b.getLong(i * 8);
          };
    }
    return out;
  }

  @Test
  void floatsInRawDataAndInFloatData() {
    float[] v = {1.5f, -2.25f, Float.NaN, Float.POSITIVE_INFINITY, 0, 1e-30f};
    for (byte[] proto :
        new byte[][] {
          TensorProtos.raw("x", "float32", new long[] {2, 3}, v),
          TensorProtos.typed("x", "float32", new long[] {2, 3}, v)
        }) {
      TensorData t = read(proto);
      assertEquals("x", t.name());
      assertEquals(ElementType.FLOAT32, t.type());
      assertArrayEquals(new long[] {2, 3}, t.dims());
      float[] got = new float[6];
      t.data().duplicate().order(java.nio.ByteOrder.nativeOrder()).asFloatBuffer().get(got);
      assertArrayEquals(v, got);
    }
  }

  @Test
  void doublesInRawDataAndInDoubleData() {
    double[] v = {Math.PI, -1e300, 0};
    for (byte[] proto :
        new byte[][] {
          TensorProtos.raw("d", "float64", new long[] {3}, v),
          TensorProtos.typed("d", "float64", new long[] {3}, v)
        }) {
      TensorData t = read(proto);
      double[] got = new double[3];
      t.data().duplicate().order(java.nio.ByteOrder.nativeOrder()).asDoubleBuffer().get(got);
      assertArrayEquals(v, got);
    }
  }

  @Test
  void everyIntegerTypeBoolAndHalfBitsInBothEncodings() {
    long[] small = {0, 1, -1, 100, -100, 7};
    String[][] types = {
      {"int8", "-1"},
      {"uint8", "255"},
      {"int16", "-1"},
      {"uint16", "65535"},
      {"int32", "-1"},
      {"int64", "-1"},
      {"uint32", "4294967295"},
      {"uint64", "-1"}
    };
    for (String[] type : types) {
      long[] values = small.clone();
      values[2] = Long.parseLong(type[1]);
      for (boolean raw : new boolean[] {true, false}) {
        byte[] proto =
            raw
                ? TensorProtos.raw("i", type[0], new long[] {6}, values)
                : TensorProtos.typed("i", type[0], new long[] {6}, values);
        TensorData t = read(proto);
        assertEquals(type[0], t.type().toString());
        long[] got = longs(t);
        for (int i = 0; i < 6; i++) {
          long mask = t.type().byteSize() == 8 ? -1L : (1L << (8 * t.type().byteSize())) - 1;
          assertEquals(values[i] & mask, got[i] & mask, type[0] + (raw ? " raw" : " typed") + i);
        }
      }
    }
    TensorData b = read(TensorProtos.typed("b", "bool", new long[] {3}, new long[] {1, 0, 1}));
    assertEquals(ElementType.BOOL, b.type());
    assertArrayEquals(new long[] {1, 0, 1}, longs(b));
    short[] half = {0x3C00, (short) 0xC000}; // 1.0, -2.0
    TensorData h = read(TensorProtos.typed("h", "float16", new long[] {2}, half));
    assertEquals(ElementType.FLOAT16, h.type());
    assertArrayEquals(new long[] {0x3C00, (short) 0xC000}, longs(h));
    assertArrayEquals(
        longs(h), longs(read(TensorProtos.raw("h", "float16", new long[] {2}, half))));
  }

  @Test
  void stringsAndScalars() {
    TensorData s = read(TensorProtos.raw("s", "string", new long[] {2}, new String[] {"a", "ü"}));
    assertArrayEquals(new String[] {"a", "ü"}, s.strings());
    TensorData scalar = read(TensorProtos.raw("", "int64", new long[0], new long[] {42}));
    assertEquals(0, scalar.dims().length);
    assertArrayEquals(new long[] {42}, longs(scalar));
  }

  @Test
  void aFileThatIsNotATensorSaysSo() {
    GpuxException wrongLength = assertThrows(GpuxException.class, () -> read(truncatedRaw()));
    assertEquals(ErrorCategory.INVALID_INPUT, wrongLength.category());
    GpuxException garbage =
        assertThrows(GpuxException.class, () -> read("not a tensor".getBytes()));
    assertTrue(garbage.getMessage().contains("t.pb"), garbage.getMessage());
  }

  /** A float32[3] header with the raw_data of two floats. */
  private static byte[] truncatedRaw() {
    byte[] two = TensorProtos.raw("x", "float32", new long[] {2}, new float[] {1, 2});
    // dims is field 1 (tag 0x08), first: change the dimension 2 into 3.
    assertEquals(0x08, two[0]);
    two[1] = 3;
    return two;
  }
}
