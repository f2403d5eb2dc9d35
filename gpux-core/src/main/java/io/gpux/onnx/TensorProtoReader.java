package io.gpux.onnx;

import io.gpux.error.GpuxException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads one serialized ONNX {@code TensorProto} ({@code input_0.pb}, {@code output_0.pb} of a test
 * data set) with the same wire-format cursor as the model reader, so the core needs no
 * protobuf-java. Both encodings writers use are read: {@code raw_data} (little-endian bytes) and
 * the typed repeated fields ({@code float_data}, {@code int32_data}, {@code string_data}, {@code
 * int64_data}, {@code double_data}, {@code uint64_data}), packed or not, for every element type
 * GPUX has. Field numbers are those of {@code onnx.proto} (onnx 1.20).
 */
public final class TensorProtoReader {
  private static final int DIMS = 1;
  private static final int DATA_TYPE = 2;
  private static final int SEGMENT = 3;
  private static final int FLOAT_DATA = 4;
  private static final int INT32_DATA = 5;
  private static final int STRING_DATA = 6;
  private static final int INT64_DATA = 7;
  private static final int NAME = 8;
  private static final int RAW_DATA = 9;
  private static final int DOUBLE_DATA = 10;
  private static final int UINT64_DATA = 11;
  private static final int EXTERNAL_DATA = 13;
  private static final int DATA_LOCATION = 14;

  private TensorProtoReader() {}

  /**
   * Reads the tensor in {@code file}.
   *
   * @throws GpuxException invalid input naming the file when it is not a TensorProto this reader
   *     takes (an unknown element type, data of the wrong length, external data, a segment)
   */
  public static TensorData read(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw GpuxException.notFound("cannot read " + file + ": " + e.getMessage(), null);
    }
    try {
      return parse(ByteBuffer.wrap(bytes), file.toString());
    } catch (MalformedProtoException e) {
      throw GpuxException.invalidInput(
          file + " is not a serialized TensorProto: " + e.getMessage(),
          "test data files are TensorProtos, as onnx.numpy_helper.from_array(...)"
              + ".SerializeToString() writes them");
    }
  }

  static TensorData parse(ByteBuffer buffer, String where) throws MalformedProtoException {
    ProtoReader r = new ProtoReader(buffer);
    List<Long> dims = new ArrayList<>();
    int code = 0;
    String name = "";
    ByteBuffer raw = null;
    List<Long> ints = new ArrayList<>(); // int32_data, int64_data, uint64_data
    List<Double> reals = new ArrayList<>(); // float_data, double_data
    List<String> strings = new ArrayList<>();
    while (r.hasMoreFields()) {
      int field = r.nextField();
      switch (field) {
        case DIMS -> readInts(r, dims);
        case DATA_TYPE -> code = (int) r.readInt64();
        case NAME -> name = r.readString();
        case RAW_DATA -> raw = r.readBytesView();
        case INT32_DATA, INT64_DATA, UINT64_DATA -> readInts(r, ints);
        case FLOAT_DATA -> readReals(r, reals, ProtoReader.FIXED32);
        case DOUBLE_DATA -> readReals(r, reals, ProtoReader.FIXED64);
        case STRING_DATA -> {
          ByteBuffer b = r.readBytesView();
          byte[] s = new byte[b.remaining()];
          b.get(s);
          strings.add(new String(s, StandardCharsets.UTF_8));
        }
        case SEGMENT -> throw unsupported(where, "is a segment of a larger tensor");
        case EXTERNAL_DATA -> throw unsupported(where, "keeps its data in an external file");
        case DATA_LOCATION -> {
          if (r.readInt64() != 0) {
            throw unsupported(where, "keeps its data in an external file");
          }
        }
        default -> r.skipField();
      }
    }
    ElementType type = ElementType.fromOnnxCode(code);
    if (type == null || type == ElementType.COMPLEX64 || type == ElementType.COMPLEX128) {
      throw unsupported(
          where, "has element type " + code + ", which gpux does not run (e.g. float8, int4)");
    }
    long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
    long count = 1;
    for (long d : shape) {
      if (d < 0) {
        throw unsupported(where, "has a negative dimension " + d);
      }
      count = Math.multiplyExact(count, d);
    }
    if (type == ElementType.STRING) {
      if (strings.size() != count) {
        throw wrongCount(where, count, strings.size());
      }
      return new TensorData(name, type, shape, null, strings.toArray(String[]::new));
    }
    long bytes = count * type.byteSize();
    if (bytes > Integer.MAX_VALUE) {
      throw unsupported(where, "is over 2 GiB");
    }
    ByteBuffer out = ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.nativeOrder());
    if (raw != null) {
      if (raw.remaining() != bytes) {
        throw GpuxException.invalidInput(
            where
                + ": a "
                + type
                + java.util.Arrays.toString(shape)
                + " tensor has "
                + bytes
                + " bytes, its raw_data "
                + raw.remaining(),
            "the file is damaged or was written for another shape");
      }
      copyLittleEndian(raw, out, type.byteSize());
    } else if (type == ElementType.FLOAT32 || type == ElementType.FLOAT64) {
      if (reals.size() != count) {
        throw wrongCount(where, count, reals.size());
      }
      for (double v : reals) {
        if (type == ElementType.FLOAT32) {
          out.putFloat((float) v);
        } else {
          out.putDouble(v);
        }
      }
    } else {
      if (ints.size() != count) {
        throw wrongCount(where, count, ints.size());
      }
      for (long v : ints) {
        switch (type.byteSize()) {
          case 1 -> out.put((byte) v);
          case 2 -> out.putShort((short) v); // int16, uint16, and float16/bfloat16 bits
          case 4 -> out.putInt((int) v);
          default -> out.putLong(v);
        }
      }
    }
    out.flip();
    return new TensorData(name, type, shape, out, null);
  }

  /** Packed (one length-delimited run) or not (one varint per field), as protobuf allows both. */
  private static void readInts(ProtoReader r, List<Long> into) throws MalformedProtoException {
    if (r.wireType() == ProtoReader.LENGTH_DELIMITED) {
      ProtoReader packed = r.readPacked();
      while (packed.hasMoreFields()) {
        into.add(packed.readPackedVarint());
      }
    } else {
      into.add(r.readInt64());
    }
  }

  private static void readReals(ProtoReader r, List<Double> into, int width)
      throws MalformedProtoException {
    if (r.wireType() == ProtoReader.LENGTH_DELIMITED) {
      ByteBuffer b = r.readBytesView();
      int size = width == ProtoReader.FIXED32 ? 4 : 8;
      if (b.remaining() % size != 0) {
        throw new MalformedProtoException("a packed float field is not a whole number of values");
      }
      while (b.hasRemaining()) {
        into.add(size == 4 ? (double) b.getFloat() : b.getDouble());
      }
    } else {
      long bits = r.readFixedBits();
      into.add(
          r.wireType() == ProtoReader.FIXED32
              ? (double) Float.intBitsToFloat((int) bits)
              : Double.longBitsToDouble(bits));
    }
  }

  private static void copyLittleEndian(ByteBuffer from, ByteBuffer to, int width) {
    if (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN || width == 1) {
      to.put(from.duplicate());
      return;
    }
    ByteBuffer le = from.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    while (le.hasRemaining()) {
      switch (width) {
        case 2 -> to.putShort(le.getShort());
        case 4 -> to.putInt(le.getInt());
        default -> to.putLong(le.getLong());
      }
    }
  }

  private static GpuxException unsupported(String where, String why) {
    return GpuxException.invalidInput(
        where + ": the tensor " + why, "gpux test reads self-contained TensorProto files");
  }

  private static GpuxException wrongCount(String where, long expected, int got) {
    return GpuxException.invalidInput(
        where + ": the tensor has " + got + " values for " + expected + " elements",
        "the file is damaged or was written for another shape");
  }
}
