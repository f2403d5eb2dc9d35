package io.gpux.inference;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gpux.project.TensorSpec;
import io.gpux.tensor.JsonTensors;
import io.gpux.tensor.Tensor;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The outputs of one call, by name, in the model's order, plus the labelled view of outputs for
 * which gpux.yml gives {@code labels}.
 */
public record Prediction(Map<String, Tensor> outputs, Map<String, TensorSpec> specs) {

  /**
   * The JSON form: {@code {"<output>": nested array, ...}}, and for each labelled output a {@code
   * "<output>_labels"} field: per row the best label and its score when the last dimension has one
   * entry per label (scores or logits), or the label of each class index (an integer output).
   */
  public ObjectNode toJson() {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    outputs.forEach((name, tensor) -> out.set(name, JsonTensors.write(tensor)));
    outputs.forEach(
        (name, tensor) -> {
          TensorSpec spec = specs.get(name);
          if (spec != null && spec.labels() != null && !spec.labels().isEmpty()) {
            JsonNode labelled = label(tensor, spec.labels());
            if (labelled != null) {
              out.set(name + "_labels", labelled);
            }
          }
        });
    return out;
  }

  /**
   * Writes {@link #toJson()}'s text to a generator (one with a codec, as an {@code ObjectMapper}'s
   * factory makes), the tensors element by element without building a tree.
   */
  public void writeJson(JsonGenerator g) throws IOException {
    g.writeStartObject();
    for (Map.Entry<String, Tensor> e : outputs.entrySet()) {
      g.writeFieldName(e.getKey());
      JsonTensors.write(g, e.getValue());
    }
    for (Map.Entry<String, Tensor> e : outputs.entrySet()) {
      TensorSpec spec = specs.get(e.getKey());
      if (spec != null && spec.labels() != null && !spec.labels().isEmpty()) {
        JsonNode labelled = label(e.getValue(), spec.labels());
        if (labelled != null) {
          g.writeFieldName(e.getKey() + "_labels");
          g.writeTree(labelled);
        }
      }
    }
    g.writeEndObject();
  }

  static JsonNode label(Tensor t, List<String> labels) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    long[] shape = t.shape();
    ArrayNode rows = f.arrayNode();
    if (t.type().isFloatingPoint()
        && shape.length >= 1
        && shape[shape.length - 1] == labels.size()) {
      int width = labels.size();
      long count = t.elementCount() / width;
      for (int r = 0; r < count; r++) {
        int best = 0;
        for (int c = 1; c < width; c++) {
          if (t.doubleAt(r * width + c) > t.doubleAt(r * width + best)) {
            best = c;
          }
        }
        ObjectNode row = f.objectNode();
        row.put("label", labels.get(best));
        row.put("score", (float) t.doubleAt(r * width + best));
        rows.add(row);
      }
      return rows;
    }
    if (t.type().isInteger()) {
      for (int i = 0; i < t.elementCount(); i++) {
        long index = t.longAt(i);
        rows.add(
            index >= 0 && index < labels.size()
                ? f.textNode(labels.get((int) index))
                : f.nullNode());
      }
      return rows;
    }
    return null;
  }
}
