package io.gpux.onnx;

import java.util.Locale;

/**
 * ONNX tensor element types, with the codes of {@code TensorProto.DataType} and the names GPUX uses
 * in {@code gpux.yml} and JSON ({@code float32}, {@code int64}, ...).
 */
public enum ElementType {
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
  UINT64(13, "uint64", 8),
  COMPLEX64(14, "complex64", 8),
  COMPLEX128(15, "complex128", 16),
  BFLOAT16(16, "bfloat16", 2);

  private final int onnxCode;
  private final String displayName;
  private final int byteSize;

  ElementType(int onnxCode, String displayName, int byteSize) {
    this.onnxCode = onnxCode;
    this.displayName = displayName;
    this.byteSize = byteSize;
  }

  /** The {@code TensorProto.DataType} number. */
  public int onnxCode() {
    return onnxCode;
  }

  /** Bytes per element; 0 for strings. */
  public int byteSize() {
    return byteSize;
  }

  public boolean isFloatingPoint() {
    return this == FLOAT32 || this == FLOAT64 || this == FLOAT16 || this == BFLOAT16;
  }

  public boolean isInteger() {
    return switch (this) {
      case UINT8, INT8, UINT16, INT16, INT32, INT64, UINT32, UINT64 -> true;
      default -> false;
    };
  }

  @Override
  public String toString() {
    return displayName;
  }

  /** Returns the type for an ONNX code, or null for codes GPUX does not know (e.g. float8). */
  public static ElementType fromOnnxCode(int code) {
    for (ElementType t : values()) {
      if (t.onnxCode == code) {
        return t;
      }
    }
    return null;
  }

  /**
   * Parses the names people write: {@code float32}, {@code float}, {@code fp32}, {@code int64},
   * {@code long}, {@code double}, {@code str}, {@code tensor(float)}... Returns null when unknown.
   */
  public static ElementType parse(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    if (n.startsWith("tensor(") && n.endsWith(")")) {
      n = n.substring("tensor(".length(), n.length() - 1);
    }
    return switch (n) {
      case "float32", "float", "fp32", "f32" -> FLOAT32;
      case "float64", "double", "fp64", "f64" -> FLOAT64;
      case "float16", "half", "fp16", "f16" -> FLOAT16;
      case "bfloat16", "bf16" -> BFLOAT16;
      case "int8", "i8" -> INT8;
      case "uint8", "u8", "byte" -> UINT8;
      case "int16", "i16", "short" -> INT16;
      case "uint16", "u16" -> UINT16;
      case "int32", "i32", "int" -> INT32;
      case "uint32", "u32" -> UINT32;
      case "int64", "i64", "long" -> INT64;
      case "uint64", "u64" -> UINT64;
      case "bool", "boolean" -> BOOL;
      case "string", "str", "bytes" -> STRING;
      case "complex64" -> COMPLEX64;
      case "complex128" -> COMPLEX128;
      default -> null;
    };
  }
}
