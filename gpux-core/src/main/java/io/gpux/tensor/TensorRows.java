package io.gpux.tensor;

import io.gpux.onnx.ElementType;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tensors as rows along dimension 0: what batching needs (the server's dynamic batcher joins
 * concurrent requests, {@code gpux batch run} joins input lines) and what a warm-up or a benchmark
 * without inputs feeds a model.
 */
public final class TensorRows {
  private TensorRows() {}

  /**
   * Whether every signature has a dynamic first dimension and a numeric type: then calls can be
   * joined along dimension 0 and their outputs split back.
   */
  public static boolean batchable(List<TensorSignature> signatures) {
    for (TensorSignature s : signatures) {
      if (s.type() == null
          || s.type() == ElementType.STRING
          || s.shape() == null
          || s.shape().isEmpty()
          || s.shape().get(0) >= 0) {
        return false;
      }
    }
    return !signatures.isEmpty();
  }

  /**
   * The rows a call's feeds hold (their shared dimension 0), or -1 when an input is missing, has no
   * dimensions, or the inputs disagree: such a call runs alone and the model says what is wrong.
   */
  public static long rows(List<TensorSignature> inputs, Map<String, Tensor> feeds) {
    long rows = -1;
    for (TensorSignature s : inputs) {
      Tensor t = feeds.get(s.name());
      if (t == null || t.rank() == 0 || t.type() == ElementType.STRING) {
        return -1;
      }
      long r = t.shape()[0];
      if (rows >= 0 && r != rows) {
        return -1;
      }
      rows = r;
    }
    return rows;
  }

  /**
   * The rows one call computes, as {@code run --benchmark} counts them: dimension 0 of the first
   * input that has dimensions; 1 for inputs without any.
   */
  public static long leadingRows(Map<String, Tensor> feeds) {
    for (Tensor t : feeds.values()) {
      if (t.rank() > 0) {
        return t.shape()[0];
      }
    }
    return 1;
  }

  /**
   * What must match for two calls to be joined: each input's type and its shape past dimension 0.
   */
  public static String joinKey(List<TensorSignature> inputs, Map<String, Tensor> feeds) {
    StringBuilder key = new StringBuilder();
    for (TensorSignature s : inputs) {
      Tensor t = feeds.get(s.name());
      long[] shape = t.shape();
      key.append(s.name())
          .append(Arrays.toString(Arrays.copyOfRange(shape, 1, shape.length)))
          .append(t.type())
          .append(';');
    }
    return key.toString();
  }

  /**
   * Joins calls with the same {@link #joinKey} along dimension 0, in order: one feed map of {@code
   * rows} rows in all.
   */
  public static Map<String, Tensor> concat(
      List<TensorSignature> inputs, List<Map<String, Tensor>> calls, long rows) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (TensorSignature s : inputs) {
      Tensor first = calls.get(0).get(s.name());
      long[] shape = first.shape();
      shape[0] = rows;
      ByteBuffer joined = Tensor.allocate(first.type(), Tensor.elementCount(shape));
      for (Map<String, Tensor> call : calls) {
        joined.put(call.get(s.name()).data());
      }
      joined.flip();
      out.put(s.name(), Tensor.of(first.type(), shape, joined));
    }
    return out;
  }

  /**
   * Rows {@code offset} to {@code offset + rows} of an output of a joined call of {@code totalRows}
   * rows (a view, not a copy).
   *
   * @throws IllegalStateException when the output does not have one row per input row (a model
   *     whose outputs do not follow the batch): the caller runs the calls one by one instead
   */
  public static Tensor slice(Tensor t, long totalRows, long offset, long rows) {
    long[] shape = t.shape();
    if (shape.length == 0 || shape[0] != totalRows || t.type() == ElementType.STRING) {
      throw new IllegalStateException("output does not follow the batch");
    }
    long rowBytes = t.elementCount() / totalRows * t.type().byteSize();
    ByteBuffer data = t.data();
    data.position((int) (offset * rowBytes));
    data.limit((int) ((offset + rows) * rowBytes));
    shape[0] = rows;
    return Tensor.of(t.type(), shape, data.slice());
  }

  /** Splits a joined call's outputs back into one map per call of {@code callRows} rows each. */
  public static List<Map<String, Tensor>> split(
      Map<String, Tensor> outputs, long totalRows, long[] callRows) {
    List<Map<String, Tensor>> answers = new java.util.ArrayList<>(callRows.length);
    long offset = 0;
    for (long rows : callRows) {
      Map<String, Tensor> mine = new LinkedHashMap<>();
      for (Map.Entry<String, Tensor> e : outputs.entrySet()) {
        mine.put(e.getKey(), slice(e.getValue(), totalRows, offset, rows));
      }
      offset += rows;
      answers.add(mine);
    }
    return answers;
  }

  /**
   * Zero-filled inputs (empty strings for text) with every dynamic dimension set to 1: a call any
   * model with fixed-size inputs accepts, for warm-ups and benchmarks without given inputs.
   */
  public static Map<String, Tensor> zeros(List<TensorSignature> inputs) {
    Map<String, Tensor> feeds = new LinkedHashMap<>();
    for (TensorSignature s : inputs) {
      long[] shape =
          s.shape() == null
              ? new long[] {1}
              : s.shape().stream().mapToLong(d -> d < 0 ? 1 : d).toArray();
      ElementType type = s.type() == null ? ElementType.FLOAT32 : s.type();
      if (type == ElementType.STRING) {
        String[] values = new String[(int) Tensor.elementCount(shape)];
        Arrays.fill(values, "");
        feeds.put(s.name(), Tensor.ofStrings(shape, values));
      } else {
        feeds.put(
            s.name(), Tensor.of(type, shape, Tensor.allocate(type, Tensor.elementCount(shape))));
      }
    }
    return feeds;
  }
}
