package io.gpux.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gpux.inference.InferenceModel;
import io.gpux.onnx.ElementType;
import io.gpux.tensor.JsonTensorStream;
import io.gpux.tensor.JsonTensors;
import io.gpux.tensor.Tensor;
import io.gpux.tensor.TensorSignature;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An Open Inference Protocol v2 infer request decoded against the model it is for, in one pass of a
 * streaming parser: numeric data goes straight into its tensor's buffer (no tree of boxed values),
 * and every size is checked with exact arithmetic against the model's signature and the body before
 * anything is allocated. Text (BYTES) inputs become the library's JSON form, to be tokenized by the
 * model.
 *
 * <p>With the binary tensor extension, the JSON header is the body's first {@code headerLength}
 * bytes and the inputs that declare {@code parameters.binary_data_size} follow it, in order, as raw
 * little-endian bytes; they must fill the rest of the body exactly.
 */
final class OipRequest {
  private static final JsonFactory JSON = Exchange.MAPPER.getFactory();

  final String id;
  final JsonNode outputs;
  final JsonNode parameters;
  private final Map<String, Tensor> tensors = new LinkedHashMap<>();
  private final ObjectNode text = Exchange.MAPPER.createObjectNode();
  private final InferenceModel model;

  /** One input as read from the JSON, resolved once its object closes. */
  private static final class Input {
    String name;
    String datatype;
    long[] shape;
    JsonNode parameters = MissingNode.getInstance();
    Tensor numeric;
    JsonNode strings;
    byte[] deferred;
    boolean hasData;
  }

  private OipRequest(String id, JsonNode outputs, JsonNode parameters, InferenceModel model) {
    this.id = id;
    this.outputs = outputs;
    this.parameters = parameters;
    this.model = model;
  }

  /** The model's input tensors for this request (tokenizing its text). */
  Map<String, Tensor> feeds() {
    if (text.isEmpty()) {
      return tensors;
    }
    Map<String, Tensor> feeds = new LinkedHashMap<>(model.toTensors(text));
    feeds.putAll(tensors);
    return feeds;
  }

  /**
   * Reads a request.
   *
   * @param headerLength the JSON header's length with the binary extension, or -1 for a plain JSON
   *     body
   */
  static OipRequest read(InferenceModel model, RequestBody body, long headerLength) {
    long jsonLength = headerLength < 0 ? body.length() : headerLength;
    List<Input> inputs = new ArrayList<>();
    String id = null;
    JsonNode outputs = MissingNode.getInstance();
    JsonNode parameters = MissingNode.getInstance();
    // Each JSON value takes at least two bytes ("1,"), so no array holds more than this.
    long maxValues = jsonLength / 2 + 1;
    try (InputStream in = body.stream(0, jsonLength);
        JsonParser p = JSON.createParser(in)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new HttpError(
            400,
            jsonLength == 0 && headerLength < 0
                ? "the request body is empty; send a JSON object"
                : "the request is not a JSON object; send {\"inputs\": [...]}");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken t = p.nextToken();
        switch (field) {
          case "id" -> id = t == JsonToken.VALUE_STRING ? p.getText() : skipTree(p).asText(null);
          case "outputs" -> outputs = p.readValueAsTree();
          case "parameters" -> parameters = p.readValueAsTree();
          case "inputs" -> {
            if (t != JsonToken.START_ARRAY) {
              throw new HttpError(400, "the request's \"inputs\" is not an array");
            }
            while (p.nextToken() == JsonToken.START_OBJECT) {
              inputs.add(readInput(p, model, maxValues));
            }
            if (p.currentToken() != JsonToken.END_ARRAY) {
              throw new HttpError(400, "each of \"inputs\" must be an object");
            }
          }
          default -> p.skipChildren();
        }
      }
    } catch (JsonProcessingException e) {
      throw new HttpError(
          400,
          (headerLength < 0 ? "the request body" : "the JSON header")
              + " is not valid JSON: "
              + e.getOriginalMessage());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (inputs.isEmpty()) {
      throw new HttpError(400, "the request has no \"inputs\" array");
    }
    OipRequest r = new OipRequest(id, outputs, parameters, model);
    long offset = jsonLength;
    for (Input in : inputs) {
      offset = r.resolve(in, body, headerLength, offset, maxValues);
    }
    if (headerLength >= 0 && offset != body.length()) {
      throw new HttpError(
          400,
          "the body has "
              + (body.length() - offset)
              + " bytes after its binary tensors (a JSON header of "
              + headerLength
              + " bytes and "
              + (offset - headerLength)
              + " bytes of declared binary data); make Inference-Header-Content-Length and each"
              + " binary_data_size match the body");
    }
    return r;
  }

  private static JsonNode skipTree(JsonParser p) throws IOException {
    JsonNode n = p.readValueAsTree();
    return n == null ? MissingNode.getInstance() : n;
  }

  private static Input readInput(JsonParser p, InferenceModel model, long maxValues)
      throws IOException {
    Input in = new Input();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken t = p.nextToken();
      switch (field) {
        case "name" -> in.name = t == JsonToken.VALUE_STRING ? p.getText() : null;
        case "datatype" -> in.datatype = t == JsonToken.VALUE_STRING ? p.getText() : null;
        case "shape" -> in.shape = readShape(p, in.name);
        case "parameters" -> in.parameters = skipTree(p);
        case "data" -> {
          in.hasData = true;
          TensorSignature sig = signature(model, in.name);
          ElementType declared = in.datatype == null ? null : parseDatatype(in.datatype);
          if (sig != null && declared != null && declared == sig.type() && isNumeric(declared)) {
            long expected = in.shape == null ? -1 : count(in.name, in.shape);
            if (expected > maxValues) {
              throw tooLarge(in.name, in.shape, expected, maxValues);
            }
            in.numeric = JsonTensorStream.read(p, in.name, declared, expected, maxValues);
          } else if (declared == ElementType.STRING) {
            in.strings = skipTree(p);
          } else {
            // The name or datatype comes after the data (JSON objects have no order): keep the
            // data's text, compact, and read it once the input is known.
            ByteArrayOutputStream raw = new ByteArrayOutputStream();
            try (JsonGenerator g = JSON.createGenerator(raw)) {
              g.copyCurrentStructure(p);
            }
            in.deferred = raw.toByteArray();
          }
        }
        default -> p.skipChildren();
      }
    }
    return in;
  }

  /** A shape: whole, non-negative numbers, at most {@link JsonTensorStream#MAX_RANK} of them. */
  private static long[] readShape(JsonParser p, String name) throws IOException {
    String who = name == null ? "an input" : "input '" + name + "'";
    if (p.currentToken() != JsonToken.START_ARRAY) {
      throw new HttpError(400, who + " has a \"shape\" that is not an array of numbers");
    }
    long[] dims = new long[JsonTensorStream.MAX_RANK];
    int rank = 0;
    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
      if (rank == dims.length) {
        throw new HttpError(
            400,
            who
                + " has a shape of more than "
                + JsonTensorStream.MAX_RANK
                + " dimensions; no model takes one");
      }
      if (t != JsonToken.VALUE_NUMBER_INT
          || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
        throw new HttpError(
            400, who + "'s shape holds " + p.getText() + ", not a whole number of elements");
      }
      long d = p.getLongValue();
      if (d < 0) {
        throw new HttpError(
            400, who + " has a negative dimension (" + d + ") in its shape; dimensions are >= 0");
      }
      dims[rank++] = d;
    }
    return Arrays.copyOf(dims, rank);
  }

  /** The element count of a shape, exactly: an overflowing product is refused, never wrapped. */
  private static long count(String name, long[] shape) {
    try {
      return Tensor.elementCount(shape);
    } catch (ArithmeticException e) {
      throw new HttpError(
          400,
          "input '"
              + name
              + "' has shape "
              + Arrays.toString(shape)
              + ", more elements than any request can hold");
    }
  }

  private static HttpError tooLarge(String name, long[] shape, long count, long max) {
    return new HttpError(
        400,
        "input '"
            + name
            + "' has shape "
            + Arrays.toString(shape)
            + ", which needs "
            + count
            + " values; the request's size allows at most "
            + max);
  }

  /** Checks one input against the model and adds its tensor or text; returns the next offset. */
  private long resolve(Input in, RequestBody body, long headerLength, long offset, long maxValues) {
    if (in.name == null) {
      throw new HttpError(400, "an input has no \"name\"");
    }
    TensorSignature sig = signature(model, in.name);
    ElementType declared = checkDatatype(in, sig);
    JsonNode binarySize = in.parameters.get("binary_data_size");
    if (binarySize != null) {
      if (headerLength < 0) {
        throw new HttpError(
            400,
            "input '"
                + in.name
                + "' declares binary_data_size but the request has no"
                + " Inference-Header-Content-Length");
      }
      return offset + readBinary(in, declared, sig, binarySize, body, offset);
    }
    if (!in.hasData) {
      throw new HttpError(
          400, "input '" + in.name + "' has neither \"data\" nor parameters.binary_data_size");
    }
    if (in.deferred != null) {
      readDeferred(in, declared, sig, maxValues);
    }
    if (declared == ElementType.STRING) {
      addText(in.name, in.strings, in.shape);
    } else {
      addNumeric(in.name, in.numeric, in.shape, sig);
    }
    return offset;
  }

  private void readDeferred(Input in, ElementType declared, TensorSignature sig, long maxValues) {
    try (JsonParser p = JSON.createParser(in.deferred)) {
      p.nextToken();
      if (declared == ElementType.STRING) {
        in.strings = skipTree(p);
      } else {
        long expected = in.shape == null ? -1 : count(in.name, in.shape);
        if (expected > maxValues) {
          throw tooLarge(in.name, in.shape, expected, maxValues);
        }
        in.numeric = JsonTensorStream.read(p, in.name, sig.type(), expected, maxValues);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The input's datatype, checked against the model: it must be the model's, except that text
   * (BYTES) may go to an input that takes token ids.
   */
  private ElementType checkDatatype(Input in, TensorSignature sig) {
    String wanted = sig == null ? null : OpenInference.datatype(sig.type());
    if (in.datatype == null) {
      throw new HttpError(
          400,
          "input '"
              + in.name
              + "' has no \"datatype\""
              + (wanted == null ? "" : "; the model takes " + wanted));
    }
    ElementType declared = parseDatatype(in.datatype);
    if (declared == null) {
      throw new HttpError(
          400,
          "input '"
              + in.name
              + "' has datatype '"
              + in.datatype
              + "', which the Open Inference Protocol does not define"
              + (wanted == null ? "" : "; the model takes " + wanted));
    }
    if (sig == null) {
      if (declared == ElementType.STRING) {
        return declared; // text under another name: the tokenizer decides
      }
      throw new HttpError(
          400,
          "the model has no input named '"
              + in.name
              + "'; it has "
              + model.inputs().stream().map(TensorSignature::name).toList());
    }
    if (sig.type() == null) {
      throw new HttpError(
          400, "input '" + in.name + "' is not a tensor in the model (a sequence or map)");
    }
    if (declared != sig.type() && !(declared == ElementType.STRING && takesTokenIds(sig))) {
      throw new HttpError(
          400, "input '" + in.name + "' is " + in.datatype + " but the model takes " + wanted);
    }
    return declared;
  }

  private long readBinary(
      Input in,
      ElementType declared,
      TensorSignature sig,
      JsonNode binarySize,
      RequestBody body,
      long offset) {
    if (!binarySize.canConvertToLong() || !binarySize.isIntegralNumber()) {
      throw new HttpError(
          400, "input '" + in.name + "' has a binary_data_size that is not a whole number");
    }
    long size = binarySize.asLong();
    long left = body.length() - offset;
    if (size < 0) {
      throw new HttpError(400, "input '" + in.name + "' has a negative binary_data_size " + size);
    }
    if (size > left) {
      throw new HttpError(
          400,
          "input '"
              + in.name
              + "' declares "
              + size
              + " bytes of binary data but the body has only "
              + left
              + " left");
    }
    if (in.shape == null) {
      throw new HttpError(400, "input '" + in.name + "' has binary data but no \"shape\"");
    }
    if (declared == ElementType.STRING) {
      addText(in.name, strings(in.name, body, offset, size), in.shape);
      return size;
    }
    long count = count(in.name, in.shape);
    long expected;
    try {
      expected = Math.multiplyExact(count, (long) declared.byteSize());
    } catch (ArithmeticException e) {
      expected = -1;
    }
    if (size != expected) {
      throw new HttpError(
          400,
          "input '"
              + in.name
              + "' has "
              + size
              + " bytes of binary data; "
              + in.datatype
              + Arrays.toString(in.shape)
              + " needs "
              + (expected < 0 ? "more than fit in memory" : expected));
    }
    // Checked against the body above, so this allocation is at most the body's own size.
    ByteBuffer direct = Tensor.allocate(declared, count);
    if (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
      body.copyTo(offset, direct);
    } else {
      ByteBuffer le = ByteBuffer.allocate((int) size);
      body.copyTo(offset, le);
      BinaryTensors.swap(le.flip(), direct, declared.byteSize());
    }
    direct.flip();
    addNumeric(in.name, Tensor.of(declared, in.shape, direct), in.shape, sig);
    return size;
  }

  /** BYTES elements: a 4-byte little-endian length, then the bytes, until the part ends. */
  private static ArrayNode strings(String name, RequestBody body, long offset, long size) {
    ByteBuffer b = ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
    body.copyTo(offset, b);
    b.flip();
    ArrayNode out = Exchange.MAPPER.createArrayNode();
    while (b.hasRemaining()) {
      if (b.remaining() < 4) {
        throw new HttpError(400, "input '" + name + "': truncated BYTES element");
      }
      int n = b.getInt();
      if (n < 0 || n > b.remaining()) {
        throw new HttpError(400, "input '" + name + "': a BYTES element claims " + n + " bytes");
      }
      byte[] s = new byte[n];
      b.get(s);
      out.add(new String(s, StandardCharsets.UTF_8));
    }
    return out;
  }

  private void addNumeric(String name, Tensor t, long[] shape, TensorSignature sig) {
    if (shape != null) {
      long count = count(name, shape);
      if (count != t.elementCount()) {
        throw new HttpError(
            400,
            "input '"
                + name
                + "' has "
                + t.elementCount()
                + " values but its shape "
                + Arrays.toString(shape)
                + " needs "
                + count);
      }
      t = JsonTensors.reshape(name, t, shape);
    }
    tensors.put(name, JsonTensors.conform(name, t, sig));
  }

  /** Text as the library takes it: the strings nested by the declared shape. */
  private void addText(String name, JsonNode data, long[] shape) {
    ArrayNode flat = Exchange.MAPPER.createArrayNode();
    flatten(flat, data);
    if (shape == null) {
      text.set(name, data);
      return;
    }
    long count = count(name, shape);
    if (count != flat.size()) {
      throw new HttpError(
          400,
          "input '"
              + name
              + "' has "
              + flat.size()
              + " values but its shape "
              + Arrays.toString(shape)
              + " needs "
              + count);
    }
    text.set(name, shape.length == 0 ? flat.get(0) : nest(flat, shape, 0, new int[] {0}));
  }

  /** Leaves of nested arrays in order; iterative, so no nesting depth can exhaust the stack. */
  private static void flatten(ArrayNode flat, JsonNode data) {
    ArrayList<java.util.Iterator<JsonNode>> stack = new ArrayList<>();
    if (!data.isArray()) {
      flat.add(data);
      return;
    }
    stack.add(data.elements());
    while (!stack.isEmpty()) {
      var it = stack.get(stack.size() - 1);
      if (!it.hasNext()) {
        stack.remove(stack.size() - 1);
        continue;
      }
      JsonNode n = it.next();
      if (n.isArray()) {
        stack.add(n.elements());
      } else {
        flat.add(n);
      }
    }
  }

  /** Recursion bounded by the shape's rank, which {@link #readShape} caps. */
  private static JsonNode nest(ArrayNode flat, long[] dims, int d, int[] next) {
    ArrayNode a = Exchange.MAPPER.createArrayNode();
    for (long i = 0; i < dims[d]; i++) {
      a.add(d == dims.length - 1 ? flat.get(next[0]++) : nest(flat, dims, d + 1, next));
    }
    return a;
  }

  private static TensorSignature signature(InferenceModel model, String name) {
    if (name == null) {
      return null;
    }
    for (TensorSignature s : model.inputs()) {
      if (s.name().equals(name)) {
        return s;
      }
    }
    return null;
  }

  private static boolean isNumeric(ElementType t) {
    return t != ElementType.STRING;
  }

  private static boolean takesTokenIds(TensorSignature sig) {
    return (sig.type() == ElementType.INT64 || sig.type() == ElementType.INT32)
        && sig.shape() != null
        && sig.shape().size() == 2;
  }

  /** The protocol's datatype names; null for a name it does not define. */
  static ElementType parseDatatype(String datatype) {
    return switch (datatype) {
      case "BOOL" -> ElementType.BOOL;
      case "UINT8" -> ElementType.UINT8;
      case "UINT16" -> ElementType.UINT16;
      case "UINT32" -> ElementType.UINT32;
      case "UINT64" -> ElementType.UINT64;
      case "INT8" -> ElementType.INT8;
      case "INT16" -> ElementType.INT16;
      case "INT32" -> ElementType.INT32;
      case "INT64" -> ElementType.INT64;
      case "FP16" -> ElementType.FLOAT16;
      case "FP32" -> ElementType.FLOAT32;
      case "FP64" -> ElementType.FLOAT64;
      case "BF16" -> ElementType.BFLOAT16;
      case "BYTES" -> ElementType.STRING;
      default -> null;
    };
  }
}
