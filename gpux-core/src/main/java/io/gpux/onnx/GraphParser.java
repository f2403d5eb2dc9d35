package io.gpux.onnx;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Parses the parts of a {@code GraphProto} that describe its interface: name, inputs, outputs and
 * the initializers' names and data locations. Nodes and weight payloads are skipped unread.
 */
final class GraphParser {
  // GraphProto
  private static final int NAME = 2;
  private static final int INITIALIZER = 5;
  private static final int INPUT = 11;
  private static final int OUTPUT = 12;
  // TensorProto
  private static final int TENSOR_NAME = 8;
  private static final int TENSOR_EXTERNAL_DATA = 13;
  private static final int TENSOR_DATA_LOCATION = 14;
  private static final int DATA_LOCATION_EXTERNAL = 1;

  String name = "";
  final List<OnnxValueInfo> inputs = new ArrayList<>();
  final List<OnnxValueInfo> outputs = new ArrayList<>();
  final Set<String> externalDataFiles = new LinkedHashSet<>();
  private final Set<String> initializerNames = new HashSet<>();

  private GraphParser() {}

  static GraphParser parse(ProtoReader graph) throws MalformedProtoException {
    GraphParser parser = new GraphParser();
    while (graph.hasMoreFields()) {
      switch (graph.nextField()) {
        case NAME -> parser.name = graph.readString();
        case INITIALIZER -> parser.initializer(graph.readMessage());
        case INPUT -> parser.inputs.add(ValueInfoParser.parse(graph.readMessage()));
        case OUTPUT -> parser.outputs.add(ValueInfoParser.parse(graph.readMessage()));
        default -> graph.skipField();
      }
    }
    // Initializers may come after the inputs in the file, so filter once everything is read.
    parser.inputs.removeIf(input -> parser.initializerNames.contains(input.name()));
    return parser;
  }

  private void initializer(ProtoReader tensor) throws MalformedProtoException {
    String location = null;
    boolean external = false;
    while (tensor.hasMoreFields()) {
      switch (tensor.nextField()) {
        case TENSOR_NAME -> initializerNames.add(tensor.readString());
        case TENSOR_DATA_LOCATION -> external = tensor.readInt64() == DATA_LOCATION_EXTERNAL;
        case TENSOR_EXTERNAL_DATA -> {
          StringEntry entry = StringEntry.parse(tensor.readMessage());
          if (entry.key().equals("location")) {
            location = entry.value();
          }
        }
        default -> tensor.skipField(); // raw_data among them: megabytes, never copied
      }
    }
    if (external && location != null) {
      externalDataFiles.add(location);
    }
  }
}
