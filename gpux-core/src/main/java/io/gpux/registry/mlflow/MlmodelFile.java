package io.gpux.registry.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import io.gpux.error.GpuxException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * An MLflow model's {@code MLmodel} file: its flavors, the {@code onnx} flavor's model file, and
 * the signature, whose inputs and outputs MLflow stores as JSON strings inside the YAML.
 */
record MlmodelFile(
    Map<String, Object> flavors,
    String onnxData,
    String mlflowVersion,
    String modelId,
    String runId,
    List<Column> inputs,
    List<Column> outputs) {

  /** One tensor of the signature: {@code dtype} is numpy's name, {@code shape} uses -1. */
  record Column(String name, String dtype, List<Long> shape) {}

  static MlmodelFile parse(byte[] bytes, String where) {
    Object doc;
    try {
      doc =
          new Yaml(new SafeConstructor(new LoaderOptions()))
              .load(new String(bytes, StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      throw GpuxException.invalidInput(
          "the MLmodel file of " + where + " is not valid YAML", "re-log the model with MLflow");
    }
    if (!(doc instanceof Map<?, ?> root)) {
      throw GpuxException.invalidInput(
          "the MLmodel file of " + where + " is not a YAML mapping",
          "re-log the model with MLflow");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> flavors =
        root.get("flavors") instanceof Map<?, ?> f ? (Map<String, Object>) f : Map.of();
    String data = null;
    if (flavors.get("onnx") instanceof Map<?, ?> onnx && onnx.get("data") != null) {
      data = onnx.get("data").toString();
    }
    List<Column> inputs = List.of();
    List<Column> outputs = List.of();
    if (root.get("signature") instanceof Map<?, ?> sig) {
      inputs = columns(sig.get("inputs"));
      outputs = columns(sig.get("outputs"));
    }
    return new MlmodelFile(
        flavors,
        data,
        text(root.get("mlflow_version")),
        text(root.get("model_id")),
        text(root.get("run_id")),
        inputs,
        outputs);
  }

  boolean hasOnnx() {
    return onnxData != null;
  }

  private static String text(Object o) {
    return o == null ? null : o.toString();
  }

  /** A signature side: a JSON string of tensor specs (column specs give no shapes: skipped). */
  private static List<Column> columns(Object json) {
    if (!(json instanceof String s)) {
      return List.of();
    }
    List<Column> out = new ArrayList<>();
    try {
      for (JsonNode c : MlflowApi.MAPPER.readTree(s)) {
        if (!"tensor".equals(c.path("type").asText())) {
          continue;
        }
        JsonNode spec = c.path("tensor-spec");
        List<Long> shape = new ArrayList<>();
        spec.path("shape").forEach(d -> shape.add(d.asLong(-1)));
        out.add(new Column(c.path("name").asText(null), spec.path("dtype").asText(null), shape));
      }
    } catch (IOException e) {
      return List.of(); // A broken signature only costs the signature; the ONNX graph has one.
    }
    return out;
  }
}
