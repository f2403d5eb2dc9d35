package io.gpux.server;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gpux.onnx.ElementType;
import io.gpux.tensor.Tensor;
import io.gpux.tensor.TensorSignature;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Open Inference Protocol v2 (KServe, Triton) JSON forms: model metadata, and inference answers
 * written from the output tensors. Requests are read by {@link OipRequest}.
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

  /** A response body and the length of its JSON header (the whole body when nothing is binary). */
  record Reply(byte[] body, int jsonLength) {}

  /**
   * The answer: outputs (all, or those the request asked for) with flat data, written straight from
   * the tensors with a streaming generator. With {@code binaryAllowed}, the outputs the request
   * asks for as binary ({@code parameters.binary_data}, or {@code binary_data_output} for all)
   * follow the JSON header as raw bytes.
   */
  static Reply response(
      ServedModel m, OipRequest request, Map<String, Tensor> outputs, boolean binaryAllowed) {
    Set<String> wanted = new LinkedHashSet<>();
    request.outputs.forEach(o -> wanted.add(o.path("name").asText()));
    for (String w : wanted) {
      if (!outputs.containsKey(w)) {
        throw new HttpError(
            400, "the model has no output named '" + w + "'; it has " + outputs.keySet());
      }
    }
    Set<String> binary = new LinkedHashSet<>();
    if (binaryAllowed) {
      boolean allBinary = request.parameters.path("binary_data_output").asBoolean(false);
      for (JsonNode o : request.outputs) {
        if (o.path("parameters").path("binary_data").asBoolean(allBinary)) {
          binary.add(o.path("name").asText());
        }
      }
      if (allBinary && !request.outputs.isArray()) {
        binary.addAll(outputs.keySet());
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<byte[]> tail = new ArrayList<>();
    try (JsonGenerator g = Exchange.MAPPER.getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("model_name", m.name());
      g.writeStringField("model_version", m.version());
      if (request.id != null) {
        g.writeStringField("id", request.id);
      }
      g.writeArrayFieldStart("outputs");
      for (Map.Entry<String, Tensor> e : outputs.entrySet()) {
        if (!wanted.isEmpty() && !wanted.contains(e.getKey())) {
          continue;
        }
        Tensor t = e.getValue();
        g.writeStartObject();
        g.writeStringField("name", e.getKey());
        g.writeStringField("datatype", datatype(t.type()));
        g.writeArrayFieldStart("shape");
        for (long d : t.shape()) {
          g.writeNumber(d);
        }
        g.writeEndArray();
        if (binary.contains(e.getKey())) {
          byte[] raw = BinaryTensors.encode(t);
          g.writeObjectFieldStart("parameters");
          g.writeNumberField("binary_data_size", raw.length);
          g.writeEndObject();
          tail.add(raw);
        } else {
          g.writeArrayFieldStart("data");
          writeFlat(g, t);
          g.writeEndArray();
        }
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    int jsonLength = out.size();
    tail.forEach(out::writeBytes);
    return new Reply(out.toByteArray(), jsonLength);
  }

  /**
   * The elements, row-major, as JSON values of their type (the same text as {@link JsonTensors}).
   */
  private static void writeFlat(JsonGenerator g, Tensor t) throws java.io.IOException {
    long n = t.elementCount();
    for (int i = 0; i < n; i++) {
      switch (t.type()) {
        case STRING -> g.writeString(t.stringAt(i));
        case BOOL -> g.writeBoolean(t.longAt(i) != 0);
        case FLOAT32, FLOAT16, BFLOAT16 -> g.writeNumber((float) t.doubleAt(i));
        case FLOAT64 -> g.writeNumber(t.doubleAt(i));
        case UINT64 -> g.writeNumber(new java.math.BigInteger(Long.toUnsignedString(t.longAt(i))));
        default -> g.writeNumber(t.longAt(i));
      }
    }
  }
}
