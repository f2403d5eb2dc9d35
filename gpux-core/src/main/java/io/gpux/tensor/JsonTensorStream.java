package io.gpux.tensor;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.gpux.error.GpuxException;
import io.gpux.onnx.ElementType;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Reads a numeric tensor straight from a JSON token stream into its primitive buffer, with the same
 * rules as {@link JsonTensors#read} (cast to the model's dtype, never silently changed; ragged
 * arrays refused) but without building a tree of boxed values first: a tree costs about 30 times
 * the body's size (a 50 MB request took 1.7 GB), this costs the tensor's own bytes.
 *
 * <p>The shape is inferred from the nesting as the values stream by: the first array closed at each
 * depth fixes that dimension, and every later one must match. Nesting is iterative and bounded by
 * {@link #MAX_RANK}, so no input depth can exhaust the stack.
 */
public final class JsonTensorStream {
  /** The deepest nesting (and longest shape) accepted; ONNX models in practice stay below 10. */
  public static final int MAX_RANK = 32;

  private JsonTensorStream() {}

  /**
   * Reads the value at the parser's current token (a number, a boolean or nested arrays of them) as
   * a tensor of {@code type}, leaving the parser on the value's last token.
   *
   * @param expectedElements the element count when known beforehand (the buffer is then allocated
   *     once), or -1
   * @param maxElements more values than this are refused before they are stored
   */
  public static Tensor read(
      JsonParser p, String input, ElementType type, long expectedElements, long maxElements)
      throws IOException {
    if (type == null || type == ElementType.STRING) {
      throw new IllegalArgumentException("streamed tensors are numeric, not " + type);
    }
    // Parses numbers from the parser's own buffer, without a String per value.
    p.enable(JsonParser.Feature.USE_FAST_DOUBLE_PARSER);
    Sink sink = new Sink(type, expectedElements, maxElements, input);
    long[] dims = new long[MAX_RANK];
    boolean[] known = new boolean[MAX_RANK];
    long[] index = new long[MAX_RANK];
    int rank = -1;
    int depth = 0;
    JsonToken t = p.currentToken();
    if (t != JsonToken.START_ARRAY) {
      put(p, t, input, type, sink, "");
      return Tensor.of(type, new long[0], sink.finish(1));
    }
    do {
      switch (t) {
        case START_ARRAY -> {
          if (depth > 0) {
            index[depth - 1]++;
          }
          if (rank >= 0 && depth >= rank) {
            throw JsonTensors.ragged(input, position(index, depth));
          }
          if (depth == MAX_RANK) {
            throw GpuxException.invalidInput(
                "input '" + input + "' is nested deeper than " + MAX_RANK + " levels",
                "send at most " + MAX_RANK + " dimensions for '" + input + "'");
          }
          index[depth++] = 0;
        }
        case END_ARRAY -> {
          int d = --depth;
          long size = index[d];
          if (!known[d]) {
            dims[d] = size;
            known[d] = true;
          } else if (dims[d] != size) {
            throw JsonTensors.ragged(input, position(index, d));
          }
          if (size == 0) {
            if (rank < 0) {
              rank = d + 1;
            } else if (rank != d + 1) {
              throw JsonTensors.ragged(input, position(index, d));
            }
          }
        }
        default -> {
          index[depth - 1]++;
          if (rank < 0) {
            rank = depth;
          } else if (rank != depth) {
            throw JsonTensors.ragged(input, position(index, depth));
          }
          put(p, t, input, type, sink, null);
          if (sink.overflowed()) {
            // Checked again here so the message can say where.
            throw sink.tooMany(position(index, depth));
          }
        }
      }
      if (depth == 0) {
        break;
      }
      t = p.nextToken();
      if (t == null) {
        throw GpuxException.invalidInput(
            "input '" + input + "' ends before its arrays close", "send complete JSON");
      }
    } while (true);
    long[] shape = Arrays.copyOf(dims, rank);
    long count = Tensor.elementCount(shape);
    return Tensor.of(type, shape, sink.finish(count));
  }

  private static void put(
      JsonParser p, JsonToken t, String input, ElementType type, Sink sink, String where)
      throws IOException {
    ByteBuffer out = sink.next();
    if (out == null) {
      return; // over the limit: the caller reports it with the position
    }
    if (type == ElementType.BOOL) {
      if (t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE) {
        out.put((byte) (t == JsonToken.VALUE_TRUE ? 1 : 0));
        return;
      }
      if (t == JsonToken.VALUE_NUMBER_INT
          && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER
          && (p.getLongValue() == 0 || p.getLongValue() == 1)) {
        out.put((byte) p.getLongValue());
        return;
      }
      throw GpuxException.invalidInput(
          "input '"
              + input
              + "'"
              + whereOr(where, sink)
              + " is "
              + text(p, t)
              + ", but the model takes bool",
          "send true/false (or 1/0) for '" + input + "'");
    }
    if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
      String described =
          t == JsonToken.VALUE_STRING
              ? "the string \"" + abbreviate(p.getText()) + "\""
              : t == JsonToken.START_OBJECT ? "a JSON object" : text(p, t);
      throw JsonTensors.notNumber(
          input, whereOr(where, sink), described, type, t == JsonToken.VALUE_STRING);
    }
    if (type.isFloatingPoint()) {
      double d = p.getDoubleValue();
      if (type == ElementType.FLOAT32 && Float.isFinite((float) d)) {
        out.putFloat((float) d); // the common case, without building a position string
      } else {
        JsonTensors.putFloat(input, whereOr(where, sink), d, type, out);
      }
      return;
    }
    if (t == JsonToken.VALUE_NUMBER_INT
        && type == ElementType.INT64
        && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
      out.putLong(p.getLongValue());
      return;
    }
    BigInteger value;
    if (t == JsonToken.VALUE_NUMBER_INT) {
      value =
          p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
              ? p.getBigIntegerValue()
              : BigInteger.valueOf(p.getLongValue());
    } else {
      try {
        value = p.getDecimalValue().toBigIntegerExact();
      } catch (ArithmeticException e) {
        throw JsonTensors.notWhole(input, whereOr(where, sink), p.getText(), type);
      }
    }
    JsonTensors.putInteger(input, whereOr(where, sink), value, type, out);
  }

  private static String whereOr(String where, Sink sink) {
    return where != null ? where : " at element " + (sink.count - 1);
  }

  private static String text(JsonParser p, JsonToken t) throws IOException {
    return t == JsonToken.VALUE_NULL ? "null" : abbreviate(p.getText());
  }

  private static String abbreviate(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "..." : s;
  }

  private static String position(long[] index, int depth) {
    StringBuilder sb = new StringBuilder(" at ");
    for (int i = 0; i < depth; i++) {
      sb.append('[').append(Math.max(0, index[i] - 1)).append(']');
    }
    return depth == 0 ? "" : sb.toString();
  }

  /**
   * The growing element buffer: allocated once when the count is known, else doubled as values
   * arrive, never past {@code max} elements.
   */
  private static final class Sink {
    private final ElementType type;
    private final long max;
    private final String input;
    private ByteBuffer buffer;
    long count;
    private boolean overflow;

    Sink(ElementType type, long expected, long max, String input) {
      this.type = type;
      this.max = max;
      this.input = input;
      long initial = expected >= 0 ? Math.min(expected, max) : Math.min(1024, max);
      this.buffer = Tensor.allocate(type, Math.max(initial, 1));
    }

    /** The buffer to put the next element in, or null once the limit is passed. */
    ByteBuffer next() {
      if (count >= max) {
        overflow = true;
        return null;
      }
      if (!buffer.hasRemaining()) {
        long elements = buffer.capacity() / type.byteSize();
        ByteBuffer bigger = Tensor.allocate(type, Math.min(max, Math.max(1, elements) * 2));
        buffer.flip();
        bigger.put(buffer);
        buffer = bigger;
      }
      count++;
      return buffer;
    }

    boolean overflowed() {
      return overflow;
    }

    GpuxException tooMany(String where) {
      return GpuxException.invalidInput(
          "input '"
              + input
              + "' has more than "
              + max
              + " values"
              + where
              + "; its shape, or the request's size, allows no more",
          "make the data of '" + input + "' agree with its shape");
    }

    ByteBuffer finish(long elements) {
      if (elements != count) {
        throw JsonTensors.ragged(input, "");
      }
      ByteBuffer b = buffer.flip();
      return b;
    }
  }
}
