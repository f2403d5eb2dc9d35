package io.gpux.onnx;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A protobuf wire-format cursor over one message inside a (memory-mapped) buffer. Nested messages
 * are read as new cursors over the same buffer, and skipped fields only move the position, so that
 * megabytes of weights are never copied. Every read is bounds-checked and fails with a {@link
 * MalformedProtoException} that gives the byte offset in the file.
 */
final class ProtoReader {
  static final int VARINT = 0;
  static final int FIXED64 = 1;
  static final int LENGTH_DELIMITED = 2;
  static final int FIXED32 = 5;

  private final ByteBuffer buffer;
  private final int limit;
  private int position;
  private int field;
  private int wireType;
  private int fieldStart;

  /** A cursor over the whole buffer, from index 0 to its limit. */
  ProtoReader(ByteBuffer buffer) {
    this(buffer, 0, buffer.limit());
  }

  private ProtoReader(ByteBuffer buffer, int position, int limit) {
    this.buffer = buffer;
    this.position = position;
    this.limit = limit;
  }

  boolean hasMoreFields() {
    return position < limit;
  }

  /** Reads the next field's tag and returns its number; {@link #hasMoreFields} must be true. */
  int nextField() throws MalformedProtoException {
    fieldStart = position;
    long tag = readRawVarint();
    field = (int) (tag >>> 3);
    wireType = (int) (tag & 7);
    if (tag >>> 3 == 0 || tag >>> 3 > Integer.MAX_VALUE) {
      throw new MalformedProtoException("invalid field number " + (tag >>> 3) + atStart());
    }
    return field;
  }

  long readInt64() throws MalformedProtoException {
    expectWireType(VARINT);
    return readRawVarint();
  }

  String readString() throws MalformedProtoException {
    expectWireType(LENGTH_DELIMITED);
    int length = readLength();
    byte[] bytes = new byte[length];
    buffer.get(position, bytes);
    position += length;
    return new String(bytes, StandardCharsets.UTF_8);
  }

  ProtoReader readMessage() throws MalformedProtoException {
    expectWireType(LENGTH_DELIMITED);
    int length = readLength();
    ProtoReader message = new ProtoReader(buffer, position, position + length);
    position += length;
    return message;
  }

  /** The wire type of the field {@link #nextField} just read. */
  int wireType() {
    return wireType;
  }

  /**
   * A length-delimited value as a view of the buffer (no copy), positioned at 0, little-endian:
   * {@code raw_data}, a packed repeated field.
   */
  ByteBuffer readBytesView() throws MalformedProtoException {
    expectWireType(LENGTH_DELIMITED);
    int length = readLength();
    ByteBuffer view = buffer.slice(position, length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    position += length;
    return view;
  }

  /** A length-delimited value as a cursor over its varints (a packed repeated integer field). */
  ProtoReader readPacked() throws MalformedProtoException {
    return readMessage();
  }

  /** The next varint of a packed cursor (no tag before it). */
  long readPackedVarint() throws MalformedProtoException {
    return readRawVarint();
  }

  /** An unpacked fixed-width value of the current field: 4 or 8 little-endian bytes. */
  long readFixedBits() throws MalformedProtoException {
    int width = wireType == FIXED32 ? 4 : 8;
    if (wireType != FIXED32 && wireType != FIXED64) {
      throw new MalformedProtoException(
          "field " + field + " has wire type " + wireType + ", expected a fixed width" + atStart());
    }
    advance(width);
    return width == 4
        ? buffer.order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(position - 4) & 0xFFFFFFFFL
        : buffer.order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong(position - 8);
  }

  /** Moves past the current field's value without reading it. */
  void skipField() throws MalformedProtoException {
    switch (wireType) {
      case VARINT -> readRawVarint();
      case FIXED64 -> advance(8);
      case LENGTH_DELIMITED -> {
        // Not `position += readLength()`: that would add to the position before the length.
        int length = readLength();
        position += length;
      }
      case FIXED32 -> advance(4);
      // Groups (3, 4) were deprecated before ONNX existed; no ONNX file contains them.
      default ->
          throw new MalformedProtoException(
              "field " + field + " has unsupported wire type " + wireType + atStart());
    }
  }

  private void expectWireType(int expected) throws MalformedProtoException {
    if (wireType != expected) {
      throw new MalformedProtoException(
          "field " + field + " has wire type " + wireType + ", expected " + expected + atStart());
    }
  }

  private int readLength() throws MalformedProtoException {
    int start = position;
    long length = readRawVarint();
    if (length < 0 || length > limit - position) {
      throw new MalformedProtoException(
          "field "
              + field
              + " at byte "
              + start
              + " claims "
              + length
              + " bytes but its enclosing message has "
              + (limit - position)
              + " left (is the file truncated?)");
    }
    return (int) length;
  }

  private void advance(int bytes) throws MalformedProtoException {
    if (bytes > limit - position) {
      throw new MalformedProtoException("field " + field + " runs past its message" + atStart());
    }
    position += bytes;
  }

  private long readRawVarint() throws MalformedProtoException {
    long result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (position >= limit) {
        throw new MalformedProtoException("a number runs past the end at byte " + position);
      }
      byte b = buffer.get(position++);
      result |= (long) (b & 0x7F) << shift;
      if (b >= 0) {
        return result;
      }
    }
    throw new MalformedProtoException("a number longer than 10 bytes at byte " + position);
  }

  private String atStart() {
    return " at byte " + fieldStart;
  }
}
