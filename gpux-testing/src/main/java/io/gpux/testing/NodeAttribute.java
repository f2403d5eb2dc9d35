package io.gpux.testing;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Encodes one {@code AttributeProto} from a plain Java value, choosing the attribute type from the
 * value's class so that builders can write {@code Map.of("axis", 1, "keepdims", 0)}.
 */
final class NodeAttribute {
  // AttributeProto fields.
  private static final int NAME = 1;
  private static final int F = 2;
  private static final int I = 3;
  private static final int S = 4;
  private static final int FLOATS = 7;
  private static final int INTS = 8;
  private static final int STRINGS = 9;
  private static final int TYPE = 20;

  // AttributeProto.AttributeType values.
  private static final int TYPE_FLOAT = 1;
  private static final int TYPE_INT = 2;
  private static final int TYPE_STRING = 3;
  private static final int TYPE_FLOATS = 6;
  private static final int TYPE_INTS = 7;
  private static final int TYPE_STRINGS = 8;

  private NodeAttribute() {}

  /**
   * Float, Double → FLOAT; Integer, Long, Short, Byte, Boolean → INT; String → STRING; float[],
   * double[] → FLOATS; int[], long[] → INTS; String[] → STRINGS; a List of any of the scalars → the
   * matching list type.
   */
  static ProtoWriter encode(String name, Object value) {
    ProtoWriter attr = new ProtoWriter().string(NAME, name);
    if (value instanceof Float || value instanceof Double) {
      return attr.floatValue(F, ((Number) value).floatValue()).varint(TYPE, TYPE_FLOAT);
    }
    if (isInteger(value)) {
      return attr.varint(I, asLong(value)).varint(TYPE, TYPE_INT);
    }
    if (value instanceof String s) {
      return attr.string(S, s).varint(TYPE, TYPE_STRING);
    }
    if (value instanceof float[] fs) {
      for (float f : fs) {
        attr.floatValue(FLOATS, f);
      }
      return attr.varint(TYPE, TYPE_FLOATS);
    }
    if (value instanceof double[] ds) {
      for (double d : ds) {
        attr.floatValue(FLOATS, (float) d);
      }
      return attr.varint(TYPE, TYPE_FLOATS);
    }
    if (value instanceof int[] is) {
      for (int i : is) {
        attr.varint(INTS, i);
      }
      return attr.varint(TYPE, TYPE_INTS);
    }
    if (value instanceof long[] ls) {
      for (long l : ls) {
        attr.varint(INTS, l);
      }
      return attr.varint(TYPE, TYPE_INTS);
    }
    if (value instanceof String[] ss) {
      return strings(attr, List.of(ss));
    }
    if (value instanceof List<?> list && !list.isEmpty()) {
      return encodeList(name, attr, list);
    }
    throw new IllegalArgumentException(
        "attribute '" + name + "' has a value of unsupported type: " + value);
  }

  private static ProtoWriter encodeList(String name, ProtoWriter attr, List<?> list) {
    if (list.stream().allMatch(NodeAttribute::isInteger)) {
      list.forEach(v -> attr.varint(INTS, asLong(v)));
      return attr.varint(TYPE, TYPE_INTS);
    }
    if (list.stream().allMatch(v -> v instanceof Number)) {
      list.forEach(v -> attr.floatValue(FLOATS, ((Number) v).floatValue()));
      return attr.varint(TYPE, TYPE_FLOATS);
    }
    if (list.stream().allMatch(v -> v instanceof String)) {
      return strings(attr, list);
    }
    throw new IllegalArgumentException(
        "attribute '" + name + "' mixes value types, which ONNX lists cannot: " + list);
  }

  private static ProtoWriter strings(ProtoWriter attr, List<?> strings) {
    for (Object s : strings) {
      attr.bytes(STRINGS, ((String) s).getBytes(StandardCharsets.UTF_8));
    }
    return attr.varint(TYPE, TYPE_STRINGS);
  }

  private static boolean isInteger(Object v) {
    return v instanceof Integer
        || v instanceof Long
        || v instanceof Short
        || v instanceof Byte
        || v instanceof Boolean;
  }

  private static long asLong(Object v) {
    return v instanceof Boolean b ? (b ? 1 : 0) : ((Number) v).longValue();
  }
}
