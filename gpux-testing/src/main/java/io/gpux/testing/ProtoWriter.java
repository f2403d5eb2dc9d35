package io.gpux.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A minimal protobuf wire-format encoder: just the field kinds ONNX models use. Hand-written so
 * that test code can produce ONNX files without the protobuf and onnx Java libraries.
 */
final class ProtoWriter {
  private static final int VARINT = 0;
  private static final int FIXED64 = 1;
  private static final int LENGTH_DELIMITED = 2;
  private static final int FIXED32 = 5;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  /** int32, int64, uint64, bool and enum fields; negative numbers take ten bytes, as in proto. */
  ProtoWriter varint(int field, long value) {
    tag(field, VARINT);
    rawVarint(value);
    return this;
  }

  ProtoWriter fixed32(int field, int bits) {
    tag(field, FIXED32);
    rawFixed32(bits);
    return this;
  }

  ProtoWriter fixed64(int field, long bits) {
    tag(field, FIXED64);
    rawFixed64(bits);
    return this;
  }

  ProtoWriter floatValue(int field, float value) {
    return fixed32(field, Float.floatToRawIntBits(value));
  }

  ProtoWriter bytes(int field, byte[] value) {
    tag(field, LENGTH_DELIMITED);
    rawVarint(value.length);
    out.writeBytes(value);
    return this;
  }

  ProtoWriter string(int field, String value) {
    return bytes(field, value.getBytes(StandardCharsets.UTF_8));
  }

  ProtoWriter message(int field, ProtoWriter nested) {
    tag(field, LENGTH_DELIMITED);
    rawVarint(nested.out.size());
    out.writeBytes(nested.out.toByteArray());
    return this;
  }

  ProtoWriter packedVarints(int field, long[] values) {
    ProtoWriter payload = new ProtoWriter();
    for (long v : values) {
      payload.rawVarint(v);
    }
    return message(field, payload);
  }

  ProtoWriter packedFloats(int field, float[] values) {
    ProtoWriter payload = new ProtoWriter();
    for (float v : values) {
      payload.rawFixed32(Float.floatToRawIntBits(v));
    }
    return message(field, payload);
  }

  ProtoWriter packedDoubles(int field, double[] values) {
    ProtoWriter payload = new ProtoWriter();
    for (double v : values) {
      payload.rawFixed64(Double.doubleToRawLongBits(v));
    }
    return message(field, payload);
  }

  byte[] toByteArray() {
    return out.toByteArray();
  }

  private void tag(int field, int wireType) {
    rawVarint(((long) field << 3) | wireType);
  }

  private void rawVarint(long value) {
    long v = value;
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }

  private void rawFixed32(int bits) {
    for (int i = 0; i < 4; i++) {
      out.write(bits >>> (8 * i));
    }
  }

  private void rawFixed64(long bits) {
    for (int i = 0; i < 8; i++) {
      out.write((int) (bits >>> (8 * i)));
    }
  }
}
