package io.gpux.project;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gpux.onnx.OnnxModelInfo;
import io.gpux.onnx.OnnxModelReader;
import io.gpux.onnx.OnnxValueInfo;
import io.gpux.project.ProjectConfig.ModelSection;
import io.gpux.project.ProjectConfig.PreprocessingSection;
import io.gpux.project.ProjectConfig.RuntimeSection;
import io.gpux.project.ProjectConfig.ServingSection;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a gpux.yml for a pulled model that has none: inputs and outputs from the ONNX signature,
 * labels from a Hugging Face style {@code config.json}'s {@code id2label} (onto the output whose
 * last dimension has one entry per label), the tokenizer when the model has one, and the task from
 * {@code pipeline_tag}. Hugging Face repositories and W&amp;B artifacts both use it.
 */
public final class OnnxProjectGenerator {
  private static final ObjectMapper MAPPER = io.gpux.json.Json.mapper();

  private OnnxProjectGenerator() {}

  /** The shortest path among {@code files} that ends in .onnx, or null when there is none. */
  public static String mainOnnxFile(java.util.Collection<String> files) {
    String onnx = null;
    for (String path : files) {
      if (path.endsWith(".onnx") && (onnx == null || path.length() < onnx.length())) {
        onnx = path;
      }
    }
    return onnx;
  }

  /**
   * Where a generated project came from, for its description and comments.
   *
   * @param title the registry as people call it, e.g. {@code Hugging Face}
   * @param reference the exact reference that was pulled, e.g. {@code hf:org/name@<commit>}
   */
  public record Source(String title, String reference) {}

  public static String generate(
      Source source,
      String repo,
      String commit,
      String modelPath,
      Map<String, Path> files,
      Map<String, String> lineage) {
    return generate(source, repo, commit, modelPath, files, lineage, "gpux pull");
  }

  /** {@link #generate} naming the command that made the project in its header comment. */
  public static String generate(
      Source source,
      String repo,
      String commit,
      String modelPath,
      Map<String, Path> files,
      Map<String, String> lineage,
      String generatedBy) {
    OnnxModelInfo onnx = OnnxModelReader.read(files.get(modelPath));
    JsonNode config = json(files, siblingOrRoot(modelPath, "config.json", files));
    JsonNode tokenizerConfig =
        json(files, siblingOrRoot(modelPath, "tokenizer_config.json", files));
    List<String> labels = labels(config);
    List<TensorSpec> inputs = new ArrayList<>();
    for (OnnxValueInfo v : onnx.inputs()) {
      if (v.elementType() != null) {
        inputs.add(
            new TensorSpec(
                v.name(),
                v.elementType(),
                v.sizes(),
                true,
                null,
                null,
                v.docString().isEmpty() ? null : v.docString()));
      }
    }
    List<TensorSpec> outputs = new ArrayList<>();
    boolean labelled = false;
    for (OnnxValueInfo v : onnx.outputs()) {
      if (v.elementType() == null) {
        continue;
      }
      List<Long> shape = v.sizes();
      boolean fits =
          !labelled
              && labels != null
              && v.elementType().isFloatingPoint()
              && shape != null
              && !shape.isEmpty()
              && (shape.get(shape.size() - 1) == labels.size()
                  || (shape.get(shape.size() - 1) < 0 && v.name().contains("logits")));
      labelled |= fits;
      outputs.add(
          new TensorSpec(v.name(), v.elementType(), shape, true, null, fits ? labels : null, null));
    }
    String tokenizer = siblingOrRoot(modelPath, "tokenizer.json", files);
    Integer maxLength = maxLength(tokenizerConfig, config);
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("source", source.reference());
    if (lineage.containsKey("pipeline_tag")) {
      metadata.put("task", lineage.get("pipeline_tag"));
    }
    if (lineage.containsKey("license")) {
      metadata.put("license", lineage.get("license"));
    }
    ProjectConfig c =
        new ProjectConfig(
            repo,
            commit.length() > 12 ? commit.substring(0, 12) : commit,
            lineage.containsKey("pipeline_tag")
                ? lineage.get("pipeline_tag") + " model from " + source.title() + " " + repo
                : source.title() + " model " + repo,
            new ModelSection("./" + modelPath, "onnx", commit),
            inputs,
            outputs,
            RuntimeSection.defaults(),
            ServingSection.defaults(),
            new PreprocessingSection(
                tokenizer == null ? null : "./" + tokenizer,
                tokenizer == null ? null : maxLength,
                null,
                null,
                Map.of()),
            metadata);
    return ProjectConfigWriter.toYaml(
        c,
        "Generated by "
            + generatedBy
            + " from "
            + source.reference()
            + ".\nEdit freely: labels, descriptions and preprocessing are yours to refine.");
  }

  private static String siblingOrRoot(String modelPath, String name, Map<String, Path> files) {
    String dir =
        modelPath.contains("/") ? modelPath.substring(0, modelPath.lastIndexOf('/') + 1) : "";
    if (files.containsKey(dir + name)) {
      return dir + name;
    }
    return files.containsKey(name) ? name : null;
  }

  /** id2label as a list ordered by id, when the ids are exactly 0..n-1. */
  static List<String> labels(JsonNode config) {
    JsonNode id2label = config == null ? null : config.get("id2label");
    if (id2label == null || !id2label.isObject() || id2label.isEmpty()) {
      return null;
    }
    TreeMap<Integer, String> byId = new TreeMap<>();
    for (var it = id2label.fields(); it.hasNext(); ) {
      var e = it.next();
      try {
        byId.put(Integer.parseInt(e.getKey()), e.getValue().asText());
      } catch (NumberFormatException ex) {
        return null;
      }
    }
    if (byId.firstKey() != 0 || byId.lastKey() != byId.size() - 1) {
      return null;
    }
    return new ArrayList<>(byId.values());
  }

  private static Integer maxLength(JsonNode tokenizerConfig, JsonNode config) {
    long max = tokenizerConfig == null ? -1 : tokenizerConfig.path("model_max_length").asLong(-1);
    if (max > 0 && max <= 65536) {
      return (int) max;
    }
    long positions = config == null ? -1 : config.path("max_position_embeddings").asLong(-1);
    return positions > 0 && positions <= 65536 ? (int) positions : null;
  }

  private static JsonNode json(Map<String, Path> files, String name) {
    Path file = name == null ? null : files.get(name);
    if (file == null) {
      return null;
    }
    try {
      return MAPPER.readTree(file.toFile());
    } catch (IOException e) {
      return null; // A broken config.json only costs the labels.
    }
  }
}
