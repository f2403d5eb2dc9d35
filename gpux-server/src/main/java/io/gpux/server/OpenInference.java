package io.gpux.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gpux.onnx.ElementType;
import io.gpux.tensor.JsonTensors;
import io.gpux.tensor.Tensor;
import io.gpux.tensor.TensorSignature;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The Open Inference Protocol v2 (KServe, Triton) JSON forms: model metadata, and inference
 * requests whose tensors come as {@code {name, shape, datatype, data}} with flat (or nested) data.
 * Text arrives as BYTES and is tokenized with the model's tokenizer when the model takes token ids.
 */
final class OpenInference {
  private OpenInference() {}

  static String datatype(ElementType t) {
    if (t == null) {
      return "BYTES";
    }
    return switch (t) {
      case FLOAT32 -> "FP32";
      case FLOAT64 -> "FP64";
      case FLOAT16 -> "FP16";
      case BFLOAT16 -> "BF16";
      case STRING -> "BYTES";
      case BOOL -> "BOOL";
      default -> t.toString().toUpperCase(java.util.Locale.ROOT);
    };
  }

  static ObjectNode metadata(ServedModel m) {
    ObjectNode o = Exchange.MAPPER.createObjectNode();
    o.put("name", m.name());
    o.putArray("versions").add(m.version());
    o.put("platform", "onnxruntime_onnx");
    tensors(o.putArray("inputs"), m.model().inputs());
    tensors(o.putArray("outputs"), m.model().outputs());
    return o;
  }

  private static void tensors(ArrayNode array, java.util.List<TensorSignature> sigs) {
    for (TensorSignature s : sigs) {
      ObjectNode t = array.addObject();
      t.put("name", s.name());
      t.put("datatype", datatype(s.type()));
      ArrayNode shape = t.putArray("shape");
      if (s.shape() != null) {
        s.shape().forEach(shape::add);
      }
    }
  }

  /**
   * Reads one input's binary data; returns its JSON form, or null when it was taken as a tensor.
   */
  interface BinaryInput {
    JsonNode read(String name, JsonNode input, int offset, int size);
  }

  /**
   * An infer request as the {input: nested value} object the library takes. Inputs that carry
   * {@code parameters.binary_data_size} are read from the binary part, in order, from {@code
   * binaryStart}.
   */
  static ObjectNode toLibraryRequest(JsonNode request, BinaryInput binary, int binaryStart) {
    JsonNode inputs = request.path("inputs");
    if (!inputs.isArray() || inputs.isEmpty()) {
      throw new HttpError(400, "the request has no \"inputs\" array");
    }
    ObjectNode out = Exchange.MAPPER.createObjectNode();
    for (JsonNode in : inputs) {
      String name = in.path("name").asText(null);
      if (name == null) {
        throw new HttpError(400, "an input has no \"name\"");
      }
      JsonNode shape = in.path("shape");
      JsonNode binarySize = in.path("parameters").get("binary_data_size");
      if (binarySize != null) {
        if (binary == null) {
          throw new HttpError(
              400,
              "input '"
                  + name
                  + "' declares binary_data_size but the request has no Inference-Header-Content-Length");
        }
        int size = binarySize.asInt();
        JsonNode asJson = binary.read(name, in, binaryStart, size);
        binaryStart += size;
        if (asJson != null) {
          out.set(name, shape.isArray() ? nest(name, (ArrayNode) asJson, shape) : asJson);
        }
        continue;
      }
      JsonNode data = in.get("data");
      if (data == null) {
        throw new HttpError(
            400, "input '" + name + "' has neither \"data\" nor parameters.binary_data_size");
      }
      out.set(name, shape.isArray() ? nest(name, flatten(data), shape) : data);
    }
    return out;
  }

  /** Builds the response: outputs (all, or those asked for) with flat data. */
  static ObjectNode response(
      ServedModel m, String id, Map<String, Tensor> outputs, JsonNode request) {
    Set<String> wanted = new LinkedHashSet<>();
    request.path("outputs").forEach(o -> wanted.add(o.path("name").asText()));
    ObjectNode r = Exchange.MAPPER.createObjectNode();
    r.put("model_name", m.name());
    r.put("model_version", m.version());
    if (id != null) {
      r.put("id", id);
    }
    ArrayNode array = r.putArray("outputs");
    outputs.forEach(
        (name, t) -> {
          if (!wanted.isEmpty() && !wanted.contains(name)) {
            return;
          }
          ObjectNode o = array.addObject();
          o.put("name", name);
          o.put("datatype", datatype(t.type()));
          ArrayNode shape = o.putArray("shape");
          for (long d : t.shape()) {
            shape.add(d);
          }
          o.set("data", JsonTensors.writeFlat(t));
        });
    for (String w : wanted) {
      if (!outputs.containsKey(w)) {
        throw new HttpError(
            400, "the model has no output named '" + w + "'; it has " + outputs.keySet());
      }
    }
    return r;
  }

  /** A binary input checked against the model: dtype and shape. */
  static Tensor conform(ServedModel m, String name, Tensor t) {
    TensorSignature sig =
        m.model().inputs().stream()
            .filter(s -> s.name().equals(name))
            .findFirst()
            .orElseThrow(() -> new HttpError(400, "the model has no input named '" + name + "'"));
    if (sig.type() != t.type()) {
      throw new HttpError(
          400,
          "input '"
              + name
              + "' is "
              + datatype(t.type())
              + " but the model takes "
              + datatype(sig.type()));
    }
    return JsonTensors.conform(name, t, sig);
  }

  /** A response body and the length of its JSON header (the whole body when nothing is binary). */
  record Reply(byte[] body, int jsonLength) {}

  /** Like {@link #response}, with outputs asked for as binary appended after the JSON header. */
  static Reply binaryResponse(
      ServedModel m, String id, Map<String, Tensor> outputs, JsonNode request) {
    boolean allBinary = request.path("parameters").path("binary_data_output").asBoolean(false);
    Set<String> binary = new LinkedHashSet<>();
    for (JsonNode o : request.path("outputs")) {
      if (o.path("parameters").path("binary_data").asBoolean(allBinary)) {
        binary.add(o.path("name").asText());
      }
    }
    if (allBinary && !request.path("outputs").isArray()) {
      binary.addAll(outputs.keySet());
    }
    ObjectNode json = response(m, id, outputs, request);
    java.io.ByteArrayOutputStream tail = new java.io.ByteArrayOutputStream();
    for (JsonNode o : json.path("outputs")) {
      String name = o.path("name").asText();
      if (binary.contains(name)) {
        byte[] raw = BinaryTensors.encode(outputs.get(name));
        ((ObjectNode) o).remove("data");
        ((ObjectNode) o).putObject("parameters").put("binary_data_size", raw.length);
        tail.writeBytes(raw);
      }
    }
    try {
      byte[] head = Exchange.MAPPER.writeValueAsBytes(json);
      byte[] body = new byte[head.length + tail.size()];
      System.arraycopy(head, 0, body, 0, head.length);
      System.arraycopy(tail.toByteArray(), 0, body, head.length, tail.size());
      return new Reply(body, head.length);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ArrayNode flatten(JsonNode data) {
    ArrayNode flat = Exchange.MAPPER.createArrayNode();
    add(flat, data);
    return flat;
  }

  private static void add(ArrayNode flat, JsonNode n) {
    if (n.isArray()) {
      n.forEach(c -> add(flat, c));
    } else {
      flat.add(n);
    }
  }

  private static JsonNode nest(String name, ArrayNode flat, JsonNode shape) {
    long[] dims = new long[shape.size()];
    long count = 1;
    for (int i = 0; i < dims.length; i++) {
      dims[i] = shape.get(i).asLong(-1);
      if (dims[i] < 0) {
        throw new HttpError(
            400, "input '" + name + "' has a negative dimension in its shape " + shape);
      }
      count *= dims[i];
    }
    if (count != flat.size()) {
      throw new HttpError(
          400,
          "input '"
              + name
              + "' has "
              + flat.size()
              + " values but its shape "
              + shape
              + " needs "
              + count);
    }
    if (dims.length == 0) {
      return flat.get(0);
    }
    int[] next = {0};
    return build(flat, dims, 0, next);
  }

  private static JsonNode build(ArrayNode flat, long[] dims, int d, int[] next) {
    ArrayNode a = Exchange.MAPPER.createArrayNode();
    for (long i = 0; i < dims[d]; i++) {
      a.add(d == dims.length - 1 ? flat.get(next[0]++) : build(flat, dims, d + 1, next));
    }
    return a;
  }
}
