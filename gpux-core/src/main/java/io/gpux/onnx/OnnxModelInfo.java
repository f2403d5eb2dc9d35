package io.gpux.onnx;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What GPUX needs to know about an ONNX model without loading it into ONNX Runtime: its provenance,
 * operator sets, interface and side files. Read by {@link OnnxModelReader}.
 *
 * @param irVersion the ONNX IR version (ONNX Runtime refuses versions newer than it knows)
 * @param opsets operator set versions by domain, in file order; the default {@code ai.onnx} domain
 *     is usually written as ""
 * @param inputs graph inputs the caller must feed: those that are also initializers, as older
 *     exporters list them, are left out
 * @param metadata the model's {@code metadata_props}, in file order
 * @param externalDataFiles the distinct files, relative to the model's directory, that hold
 *     initializer data stored outside the model (models over 2 GB), in file order
 */
public record OnnxModelInfo(
    long irVersion,
    String producerName,
    String producerVersion,
    String domain,
    long modelVersion,
    String docString,
    Map<String, Long> opsets,
    String graphName,
    List<OnnxValueInfo> inputs,
    List<OnnxValueInfo> outputs,
    Map<String, String> metadata,
    List<String> externalDataFiles) {
  public OnnxModelInfo {
    // Map.copyOf would lose the file order, which users see in `gpux inspect`.
    opsets = Collections.unmodifiableMap(new LinkedHashMap<>(opsets));
    metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
    externalDataFiles = List.copyOf(externalDataFiles);
  }

  /** The version of the default operator set ("" or "ai.onnx" domain), or -1 when absent. */
  public long defaultOpset() {
    Long version = opsets.get("");
    if (version == null) {
      version = opsets.get("ai.onnx");
    }
    return version == null ? -1 : version;
  }
}
