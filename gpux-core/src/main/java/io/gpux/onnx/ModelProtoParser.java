package io.gpux.onnx;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;

/** Parses a {@code ModelProto} into an {@link OnnxModelInfo}, checking that it is one. */
final class ModelProtoParser {
  // ModelProto
  private static final int IR_VERSION = 1;
  private static final int PRODUCER_NAME = 2;
  private static final int PRODUCER_VERSION = 3;
  private static final int DOMAIN = 4;
  private static final int MODEL_VERSION = 5;
  private static final int DOC_STRING = 6;
  private static final int GRAPH = 7;
  private static final int OPSET_IMPORT = 8;
  private static final int METADATA_PROPS = 14;
  // OperatorSetIdProto
  private static final int OPSET_DOMAIN = 1;
  private static final int OPSET_VERSION = 2;

  private ModelProtoParser() {}

  static OnnxModelInfo parse(ProtoReader model) throws MalformedProtoException {
    long irVersion = 0;
    String producerName = "";
    String producerVersion = "";
    String domain = "";
    long modelVersion = 0;
    String docString = "";
    GraphParser graph = null;
    Map<String, Long> opsets = new LinkedHashMap<>();
    Map<String, String> metadata = new LinkedHashMap<>();
    while (model.hasMoreFields()) {
      switch (model.nextField()) {
        case IR_VERSION -> irVersion = model.readInt64();
        case PRODUCER_NAME -> producerName = model.readString();
        case PRODUCER_VERSION -> producerVersion = model.readString();
        case DOMAIN -> domain = model.readString();
        case MODEL_VERSION -> modelVersion = model.readInt64();
        case DOC_STRING -> docString = model.readString();
        case GRAPH -> graph = GraphParser.parse(model.readMessage());
        case OPSET_IMPORT -> opset(model.readMessage(), opsets);
        case METADATA_PROPS -> {
          StringEntry entry = StringEntry.parse(model.readMessage());
          metadata.put(entry.key(), entry.value());
        }
        default -> model.skipField();
      }
    }
    // Random bytes can parse as a protobuf message by chance; these two fields cannot be missing
    // from a model, so they tell an ONNX file from one that merely looks like protobuf.
    if (irVersion <= 0) {
      throw new MalformedProtoException("it has no ir_version");
    }
    if (graph == null) {
      throw new MalformedProtoException("it has no graph");
    }
    return new OnnxModelInfo(
        irVersion,
        producerName,
        producerVersion,
        domain,
        modelVersion,
        docString,
        opsets,
        graph.name,
        graph.inputs,
        graph.outputs,
        metadata,
        new ArrayList<>(graph.externalDataFiles));
  }

  private static void opset(ProtoReader opset, Map<String, Long> opsets)
      throws MalformedProtoException {
    String domain = "";
    long version = 0;
    while (opset.hasMoreFields()) {
      switch (opset.nextField()) {
        case OPSET_DOMAIN -> domain = opset.readString();
        case OPSET_VERSION -> version = opset.readInt64();
        default -> opset.skipField();
      }
    }
    opsets.put(domain, version);
  }
}
