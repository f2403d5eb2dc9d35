package io.gpux.server.grpc;

import static io.gpux.server.grpc.GrpcErrors.invalid;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import inference.GrpcService.InferTensorContents;
import inference.GrpcService.ModelInferRequest;
import inference.GrpcService.ModelInferRequest.InferInputTensor;
import io.gpux.inference.InferenceModel;
import io.gpux.onnx.ElementType;
import io.gpux.server.Backend;
import io.gpux.tensor.JsonTensorStream;
import io.gpux.tensor.JsonTensors;
import io.gpux.tensor.Tensor;
import io.gpux.tensor.TensorSignature;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A {@code ModelInferRequest}'s inputs as the model's tensors, checked as the HTTP side checks them
 * (same messages): the datatype against the model's, the shape's element count with exact
 * arithmetic against the raw bytes ({@code raw_input_contents}) or the typed values ({@code
 * contents}) before the tensor is allocated, so no allocation is larger than what the message
 * itself carries. BYTES inputs become the library's JSON text, tokenized by the model.
 */
final class InferInputs {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private InferInputs() {}

  static Map<String, Tensor> read(InferenceModel model, ModelInferRequest r) {
    int raw = r.getRawInputContentsCount();
    if (r.getInputsCount() == 0) {
      throw invalid("the request has no inputs");
    }
    if (raw > 0 && raw != r.getInputsCount()) {
      throw invalid(
          "the request has "
              + raw
              + " raw_input_contents for "
              + r.getInputsCount()
              + " inputs; give one for each input, in the inputs' order, or none");
    }
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    ObjectNode text = JSON.objectNode();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < r.getInputsCount(); i++) {
      InferInputTensor in = r.getInputs(i);
      String name = in.getName();
      if (name.isEmpty()) {
        throw invalid("an input has no name");
      }
      if (!seen.add(name)) {
        throw invalid("input '" + name + "' is given twice");
      }
      TensorSignature sig = signature(model, name);
      ElementType type = checkDatatype(model, in, sig);
      long[] shape = shape(in);
      long count = count(name, shape);
      if (raw > 0) {
        if (hasValues(in.getContents())) {
          throw invalid(
              "input '"
                  + name
                  + "' has both contents and raw_input_contents; send its values in one of them");
        }
        ByteString bytes = r.getRawInputContents(i);
        if (type == ElementType.STRING) {
          text.set(name, nest(name, strings(name, bytes), shape, count));
        } else {
          tensors.put(name, numeric(name, sig, fromRaw(in, type, shape, count, bytes)));
        }
      } else if (type == ElementType.STRING) {
        InferTensorContents c = in.getContents();
        checkCount(name, c.getBytesContentsCount(), "bytes_contents", shape, count);
        ArrayNode flat = JSON.arrayNode(c.getBytesContentsCount());
        c.getBytesContentsList().forEach(b -> flat.add(b.toStringUtf8()));
        text.set(name, nest(name, flat, shape, count));
      } else {
        tensors.put(name, numeric(name, sig, fromContents(in, type, shape, count)));
      }
    }
    if (text.isEmpty()) {
      return tensors;
    }
    Map<String, Tensor> feeds = new LinkedHashMap<>(model.toTensors(text));
    feeds.putAll(tensors);
    return feeds;
  }

  private static Tensor numeric(String name, TensorSignature sig, Tensor t) {
    return JsonTensors.conform(name, t, sig);
  }

  /** Whole, non-negative dimensions, at most as many as the HTTP side takes. */
  private static long[] shape(InferInputTensor in) {
    String name = in.getName();
    if (in.getShapeCount() > JsonTensorStream.MAX_RANK) {
      throw invalid(
          "input '"
              + name
              + "' has a shape of more than "
              + JsonTensorStream.MAX_RANK
              + " dimensions; no model takes one");
    }
    long[] shape = new long[in.getShapeCount()];
    for (int d = 0; d < shape.length; d++) {
      shape[d] = in.getShape(d);
      if (shape[d] < 0) {
        throw invalid(
            "input '"
                + name
                + "' has a negative dimension ("
                + shape[d]
                + ") in its shape; dimensions are >= 0");
      }
    }
    return shape;
  }

  /** The element count of a shape, exactly: an overflowing product is refused, never wrapped. */
  private static long count(String name, long[] shape) {
    try {
      return Tensor.elementCount(shape);
    } catch (ArithmeticException e) {
      throw invalid(
          "input '"
              + name
              + "' has shape "
              + Arrays.toString(shape)
              + ", more elements than any request can hold");
    }
  }

  /** Raw little-endian bytes: exactly count x element size of them. */
  private static Tensor fromRaw(
      InferInputTensor in, ElementType type, long[] shape, long count, ByteString bytes) {
    long expected;
    try {
      expected = Math.multiplyExact(count, (long) type.byteSize());
    } catch (ArithmeticException e) {
      expected = -1;
    }
    if (bytes.size() != expected) {
      throw invalid(
          "input '"
              + in.getName()
              + "' has "
              + bytes.size()
              + " bytes in raw_input_contents; "
              + in.getDatatype()
              + Arrays.toString(shape)
              + " needs "
              + (expected < 0 ? "more than fit in memory" : expected));
    }
    // Equal to the raw part's size, which the message limit bounds.
    ByteBuffer direct = Tensor.allocate(type, count);
    if (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
      bytes.copyTo(direct);
    } else {
      ByteBuffer le = bytes.asReadOnlyByteBuffer();
      byte[] element = new byte[type.byteSize()];
      while (le.hasRemaining()) {
        le.get(element);
        for (int k = element.length - 1; k >= 0; k--) {
          direct.put(element[k]);
        }
      }
    }
    direct.flip();
    return Tensor.of(type, shape, direct);
  }

  /** BYTES elements in raw form: each a 4-byte little-endian length, then its bytes. */
  private static ArrayNode strings(String name, ByteString bytes) {
    ByteBuffer b = bytes.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    ArrayNode out = JSON.arrayNode();
    while (b.hasRemaining()) {
      if (b.remaining() < 4) {
        throw invalid("input '" + name + "': truncated BYTES element");
      }
      int n = b.getInt();
      if (n < 0 || n > b.remaining()) {
        throw invalid("input '" + name + "': a BYTES element claims " + n + " bytes");
      }
      byte[] s = new byte[n];
      b.get(s);
      out.add(new String(s, StandardCharsets.UTF_8));
    }
    return out;
  }

  /** Typed values, from the field the protocol gives this datatype. */
  private static Tensor fromContents(
      InferInputTensor in, ElementType type, long[] shape, long count) {
    String name = in.getName();
    InferTensorContents c = in.getContents();
    int n =
        switch (type) {
          case BOOL -> checkCount(name, c.getBoolContentsCount(), "bool_contents", shape, count);
          case INT8, INT16, INT32 ->
              checkCount(name, c.getIntContentsCount(), "int_contents", shape, count);
          case INT64 -> checkCount(name, c.getInt64ContentsCount(), "int64_contents", shape, count);
          case UINT8, UINT16, UINT32 ->
              checkCount(name, c.getUintContentsCount(), "uint_contents", shape, count);
          case UINT64 ->
              checkCount(name, c.getUint64ContentsCount(), "uint64_contents", shape, count);
          case FLOAT32 -> checkCount(name, c.getFp32ContentsCount(), "fp32_contents", shape, count);
          case FLOAT64 -> checkCount(name, c.getFp64ContentsCount(), "fp64_contents", shape, count);
          default ->
              throw invalid(
                  "input '"
                      + name
                      + "' is "
                      + in.getDatatype()
                      + ", which InferTensorContents has no field for; send it in"
                      + " raw_input_contents");
        };
    // n equals the shape's count and is a count of values the message holds.
    ByteBuffer b = Tensor.allocate(type, n);
    for (int i = 0; i < n; i++) {
      switch (type) {
        case BOOL -> b.put((byte) (c.getBoolContents(i) ? 1 : 0));
        case INT8 -> b.put((byte) ranged(name, i, c.getIntContents(i), -128, 127, in));
        case INT16 -> b.putShort((short) ranged(name, i, c.getIntContents(i), -32768, 32767, in));
        case INT32 -> b.putInt(c.getIntContents(i));
        case INT64 -> b.putLong(c.getInt64Contents(i));
        case UINT8 ->
            b.put((byte) ranged(name, i, Integer.toUnsignedLong(c.getUintContents(i)), 0, 255, in));
        case UINT16 ->
            b.putShort(
                (short)
                    ranged(name, i, Integer.toUnsignedLong(c.getUintContents(i)), 0, 65535, in));
        case UINT32 -> b.putInt(c.getUintContents(i));
        case UINT64 -> b.putLong(c.getUint64Contents(i));
        case FLOAT32 -> b.putFloat(c.getFp32Contents(i));
        case FLOAT64 -> b.putDouble(c.getFp64Contents(i));
        default -> throw new IllegalStateException(type.toString());
      }
    }
    b.flip();
    return Tensor.of(type, shape, b);
  }

  private static long ranged(
      String name, int index, long v, long min, long max, InferInputTensor in) {
    if (v < min || v > max) {
      throw invalid(
          "input '"
              + name
              + "' holds "
              + v
              + " at element "
              + index
              + ", outside "
              + in.getDatatype()
              + "'s range "
              + min
              + ".."
              + max);
    }
    return v;
  }

  private static int checkCount(String name, int n, String field, long[] shape, long count) {
    if (n != count) {
      throw invalid(
          "input '"
              + name
              + "' has "
              + n
              + " values in contents."
              + field
              + " but its shape "
              + Arrays.toString(shape)
              + " needs "
              + count);
    }
    return n;
  }

  private static boolean hasValues(InferTensorContents c) {
    return c.getBoolContentsCount()
            + c.getIntContentsCount()
            + c.getInt64ContentsCount()
            + c.getUintContentsCount()
            + c.getUint64ContentsCount()
            + c.getFp32ContentsCount()
            + c.getFp64ContentsCount()
            + c.getBytesContentsCount()
        > 0;
  }

  /** Text as the library takes it: the strings nested by the declared shape. */
  private static JsonNode nest(String name, ArrayNode flat, long[] shape, long count) {
    if (count != flat.size()) {
      throw invalid(
          "input '"
              + name
              + "' has "
              + flat.size()
              + " values but its shape "
              + Arrays.toString(shape)
              + " needs "
              + count);
    }
    return shape.length == 0 ? flat.get(0) : nest(flat, shape, 0, new int[] {0});
  }

  /** Recursion bounded by the shape's rank, which {@link #shape} caps. */
  private static JsonNode nest(ArrayNode flat, long[] dims, int d, int[] next) {
    ArrayNode a = JSON.arrayNode();
    for (long i = 0; i < dims[d]; i++) {
      a.add(d == dims.length - 1 ? flat.get(next[0]++) : nest(flat, dims, d + 1, next));
    }
    return a;
  }

  /**
   * The input's datatype, checked against the model: it must be the model's, except that text
   * (BYTES) may go to an input that takes token ids, or to a name the tokenizer knows.
   */
  private static ElementType checkDatatype(
      InferenceModel model, InferInputTensor in, TensorSignature sig) {
    String name = in.getName();
    String wanted = sig == null ? null : Backend.datatype(sig.type());
    if (in.getDatatype().isEmpty()) {
      throw invalid(
          "input '"
              + name
              + "' has no \"datatype\""
              + (wanted == null ? "" : "; the model takes " + wanted));
    }
    ElementType declared = Backend.parseDatatype(in.getDatatype());
    if (declared == null) {
      throw invalid(
          "input '"
              + name
              + "' has datatype '"
              + in.getDatatype()
              + "', which the Open Inference Protocol does not define"
              + (wanted == null ? "" : "; the model takes " + wanted));
    }
    if (sig == null) {
      if (declared == ElementType.STRING) {
        return declared; // text under another name: the tokenizer decides
      }
      throw invalid(
          "the model has no input named '"
              + name
              + "'; it has "
              + model.inputs().stream().map(TensorSignature::name).toList());
    }
    if (sig.type() == null) {
      throw invalid("input '" + name + "' is not a tensor in the model (a sequence or map)");
    }
    if (declared != sig.type() && !(declared == ElementType.STRING && takesTokenIds(sig))) {
      throw invalid(
          "input '" + name + "' is " + in.getDatatype() + " but the model takes " + wanted);
    }
    return declared;
  }

  private static boolean takesTokenIds(TensorSignature sig) {
    return (sig.type() == ElementType.INT64 || sig.type() == ElementType.INT32)
        && sig.shape() != null
        && sig.shape().size() == 2;
  }

  private static TensorSignature signature(InferenceModel model, String name) {
    for (TensorSignature s : model.inputs()) {
      if (s.name().equals(name)) {
        return s;
      }
    }
    return null;
  }
}
