package io.gpux.server;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gpux.inference.InferenceModel;
import io.gpux.onnx.ElementType;
import io.gpux.tensor.JsonTensorStream;
import io.gpux.tensor.JsonTensors;
import io.gpux.tensor.Tensor;
import io.gpux.tensor.TensorSignature;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Python GPUX's {@code POST /predict} body ({@code {"input": nested value, ...}}) read with a
 * streaming parser: numeric inputs go straight into their tensors, other fields (text to tokenize,
 * string tensors, token ids) are read as small trees and handed to the library as {@code gpux run}
 * would, with the same rules and messages.
 */
final class PredictRequest {
  private PredictRequest() {}

  static Map<String, Tensor> read(InferenceModel model, RequestBody body) {
    Map<String, Tensor> streamed = new LinkedHashMap<>();
    ObjectNode rest = Exchange.MAPPER.createObjectNode();
    long maxValues = body.length() / 2 + 1;
    try (InputStream in = body.stream();
        JsonParser p = Exchange.MAPPER.getFactory().createParser(in)) {
      JsonToken first = p.nextToken();
      if (first == null) {
        throw new HttpError(400, "the request body is empty; send a JSON object");
      }
      if (first != JsonToken.START_OBJECT) {
        return model.toTensors(p.readValueAsTree()); // the library says what is wrong
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        TensorSignature sig = streamable(model, name);
        if (sig != null && t != JsonToken.VALUE_STRING) {
          Tensor raw = JsonTensorStream.read(p, name, sig.type(), -1, maxValues);
          streamed.put(name, JsonTensors.conform(name, raw, sig));
        } else {
          JsonNode value = p.readValueAsTree();
          rest.set(name, value);
        }
      }
    } catch (JsonProcessingException e) {
      throw new HttpError(400, "the request body is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (rest.isEmpty() && !streamed.isEmpty()) {
      return streamed;
    }
    // Fields given as tensors win over what the tokenizer would fill in, as in the library.
    Map<String, Tensor> feeds = new LinkedHashMap<>(model.toTensors(rest));
    feeds.putAll(streamed);
    return feeds;
  }

  /**
   * The signature of a numeric input that may be streamed: not one that takes token ids, whose
   * value may be text for the tokenizer (those are small, and go to the library whole).
   */
  private static TensorSignature streamable(InferenceModel model, String name) {
    for (TensorSignature s : model.inputs()) {
      if (s.name().equals(name)) {
        boolean ids =
            (s.type() == ElementType.INT64 || s.type() == ElementType.INT32)
                && s.shape() != null
                && s.shape().size() == 2;
        return s.type() == null || s.type() == ElementType.STRING || ids ? null : s;
      }
    }
    return null;
  }
}
