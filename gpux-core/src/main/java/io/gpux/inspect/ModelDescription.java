package io.gpux.inspect;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gpux.convert.ConversionRecord;
import io.gpux.onnx.OnnxModelInfo;
import io.gpux.onnx.OnnxValueInfo;
import io.gpux.project.Project;
import io.gpux.project.TensorSpec;
import io.gpux.runtime.ProviderChoice;
import io.gpux.store.VersionManifest;
import io.gpux.tensor.TensorSignature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code gpux inspect} reports. Read from the model file itself (no session is created, so
 * inspecting a large model is fast) plus the provider that a run would pick.
 *
 * @param buildRecord the last {@code gpux build}'s record, or null
 * @param stored the store's record of the pulled version (registry, version, lineage), or null for
 *     a local project
 * @param conversion how {@code gpux convert} made the model (its {@code .gpux/conversion.json}), or
 *     null for a model that was not converted
 */
public record ModelDescription(
    Project project,
    Path modelFile,
    long modelBytes,
    OnnxModelInfo model,
    List<TensorSignature> inputs,
    List<TensorSignature> outputs,
    ProviderChoice provider,
    ObjectNode buildRecord,
    VersionManifest stored,
    ConversionRecord conversion) {

  public static List<TensorSignature> signatures(List<OnnxValueInfo> values) {
    List<TensorSignature> out = new ArrayList<>();
    for (OnnxValueInfo v : values) {
      if (v.shape() == null) {
        out.add(new TensorSignature(v.name(), v.elementType(), null, null));
        continue;
      }
      List<String> names = new ArrayList<>();
      for (OnnxValueInfo.Dim d : v.shape()) {
        names.add(d.param() == null || d.param().isEmpty() ? null : d.param());
      }
      out.add(new TensorSignature(v.name(), v.elementType(), v.sizes(), names));
    }
    return out;
  }

  public TensorSpec declared(String name) {
    for (TensorSpec s : project.config().inputs()) {
      if (s.name().equals(name)) {
        return s;
      }
    }
    for (TensorSpec s : project.config().outputs()) {
      if (s.name().equals(name)) {
        return s;
      }
    }
    return null;
  }

  public ObjectNode toJson() {
    ObjectNode root = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    root.put("name", project.name());
    root.put("version", project.config().version());
    root.put("description", project.config().description());
    root.put("config", project.configFile() == null ? null : project.configFile().toString());
    ObjectNode m = root.putObject("model");
    m.put("path", modelFile.toString());
    m.put("format", project.config().model().format());
    m.put("size_bytes", modelBytes);
    m.put("ir_version", model.irVersion());
    m.put("opset", model.defaultOpset());
    ObjectNode opsets = m.putObject("opsets");
    model.opsets().forEach((domain, v) -> opsets.put(domain.isEmpty() ? "ai.onnx" : domain, v));
    m.put("producer_name", model.producerName());
    m.put("producer_version", model.producerVersion());
    m.put("graph_name", model.graphName());
    m.put("doc_string", model.docString());
    ObjectNode meta = m.putObject("metadata");
    model.metadata().forEach(meta::put);
    ArrayNode ext = m.putArray("external_data");
    model.externalDataFiles().forEach(ext::add);
    tensors(root.putArray("inputs"), inputs);
    tensors(root.putArray("outputs"), outputs);
    ObjectNode p = root.putObject("provider");
    p.put("name", provider.chosen().ortName());
    p.put("summary", provider.summary());
    p.put("tokenizer", project.tokenizerFile().map(Path::toString).orElse(null));
    if (buildRecord != null) {
      ObjectNode b = root.putObject("build");
      b.put("built_at", buildRecord.path("built_at").asText());
      b.put("provider", buildRecord.path("provider").path("name").asText());
      b.put("sha256", buildRecord.path("model").path("sha256").asText());
    }
    if (stored != null) {
      root.set("source", sourceJson(stored));
    }
    if (conversion != null) {
      root.set("conversion", conversion.toJson());
    }
    return root;
  }

  /** Where a pulled model came from: registry, exact version, what was asked for, lineage. */
  private static ObjectNode sourceJson(VersionManifest m) {
    ObjectNode s = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    s.put("registry", m.registry());
    s.put("name", m.name());
    s.put("version", m.version());
    s.put("requested", m.requested());
    s.put("url", m.source());
    s.put("pulled_at", m.pulledAt().toString());
    ObjectNode lineage = s.putObject("lineage");
    new java.util.TreeMap<>(m.lineage()).forEach(lineage::put);
    return s;
  }

  private void tensors(ArrayNode array, List<TensorSignature> sigs) {
    for (TensorSignature s : sigs) {
      ObjectNode o = io.gpux.tensor.JsonTensors.signature(array, s);
      o.put("dynamic", s.shape() == null || s.shape().stream().anyMatch(d -> d < 0));
      TensorSpec spec = declared(s.name());
      if (spec != null && spec.description() != null) {
        o.put("description", spec.description());
      }
      if (spec != null && spec.labels() != null) {
        ArrayNode labels = o.putArray("labels");
        spec.labels().forEach(labels::add);
      }
    }
  }

  static long size(Path p) {
    try {
      return Files.size(p);
    } catch (java.io.IOException e) {
      return -1;
    }
  }
}
