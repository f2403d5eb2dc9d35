package io.gpux.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Array;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes small ONNX models for tests, without the onnx or protobuf libraries:
 *
 * <pre>{@code
 * byte[] model = OnnxModelBuilder.builder()
 *     .producer("gpux-testing", "1")
 *     .opset(17)
 *     .input("x", "float32", "batch", 3)
 *     .initializer("w", "float32", new long[] {3}, new float[] {1, 2, 3})
 *     .node("Add", List.of("x", "w"), List.of("y"))
 *     .output("y", "float32", "batch", 3)
 *     .build();
 * }</pre>
 *
 * <p>Dimensions: a number {@code >= 0} is fixed, {@code -1} is dynamic with no name, a String is a
 * named dynamic dimension ({@code dim_param}). Data types are GPUX names: {@code float32}, {@code
 * float64}, {@code int8}, {@code uint8}, {@code int16}, {@code uint16}, {@code int32}, {@code
 * int64}, {@code uint32}, {@code uint64}, {@code bool}, {@code string}, {@code float16}.
 *
 * <p>It writes what it is told and checks little: a test can build a model that ONNX Runtime
 * rejects on purpose.
 */
public final class OnnxModelBuilder {
  // ModelProto fields.
  private static final int IR_VERSION = 1;
  private static final int PRODUCER_NAME = 2;
  private static final int PRODUCER_VERSION = 3;
  private static final int MODEL_DOMAIN = 4;
  private static final int MODEL_VERSION = 5;
  private static final int MODEL_DOC_STRING = 6;
  private static final int GRAPH = 7;
  private static final int OPSET_IMPORT = 8;
  private static final int METADATA_PROPS = 14;
  // GraphProto fields.
  private static final int GRAPH_NODE = 1;
  private static final int GRAPH_NAME = 2;
  private static final int GRAPH_INITIALIZER = 5;
  private static final int GRAPH_INPUT = 11;
  private static final int GRAPH_OUTPUT = 12;
  // NodeProto fields.
  private static final int NODE_INPUT = 1;
  private static final int NODE_OUTPUT = 2;
  private static final int NODE_NAME = 3;
  private static final int NODE_OP_TYPE = 4;
  private static final int NODE_ATTRIBUTE = 5;
  private static final int NODE_DOMAIN = 7;
  // TensorProto fields.
  private static final int TENSOR_DIMS = 1;
  private static final int TENSOR_DATA_TYPE = 2;
  private static final int TENSOR_STRING_DATA = 6;
  private static final int TENSOR_NAME = 8;
  private static final int TENSOR_RAW_DATA = 9;
  private static final int TENSOR_EXTERNAL_DATA = 13;
  private static final int TENSOR_DATA_LOCATION = 14;
  private static final int DATA_LOCATION_EXTERNAL = 1;
  // ValueInfoProto, TypeProto, TensorShapeProto fields.
  private static final int VALUE_NAME = 1;
  private static final int VALUE_TYPE = 2;
  private static final int VALUE_DOC_STRING = 3;
  private static final int TYPE_TENSOR = 1;
  private static final int TYPE_SEQUENCE = 4;
  private static final int TENSOR_TYPE_ELEM_TYPE = 1;
  private static final int TENSOR_TYPE_SHAPE = 2;
  private static final int SEQUENCE_ELEM_TYPE = 1;
  private static final int SHAPE_DIM = 1;
  private static final int DIM_VALUE = 1;
  private static final int DIM_PARAM = 2;
  // OperatorSetIdProto and StringStringEntryProto fields.
  private static final int OPSET_DOMAIN = 1;
  private static final int OPSET_VERSION = 2;
  private static final int ENTRY_KEY = 1;
  private static final int ENTRY_VALUE = 2;

  private static final long DEFAULT_OPSET = 17;

  private long irVersion = 8;
  private String producerName;
  private String producerVersion;
  private String domain;
  private long modelVersion;
  private String docString;
  private String graphName = "main_graph";
  private final Map<String, Long> opsets = new LinkedHashMap<>();
  private final Map<String, String> metadata = new LinkedHashMap<>();
  private final List<ProtoWriter> nodes = new ArrayList<>();
  private final List<ProtoWriter> initializers = new ArrayList<>();
  private final List<ProtoWriter> inputs = new ArrayList<>();
  private final List<ProtoWriter> outputs = new ArrayList<>();
  private final Map<String, ByteArrayOutputStream> externalFiles = new LinkedHashMap<>();

  private OnnxModelBuilder() {}

  public static OnnxModelBuilder builder() {
    return new OnnxModelBuilder();
  }

  /** IR version 8 by default: ONNX 1.10+, read by every ONNX Runtime GPUX supports. */
  public OnnxModelBuilder irVersion(long version) {
    this.irVersion = version;
    return this;
  }

  public OnnxModelBuilder producer(String name, String version) {
    this.producerName = name;
    this.producerVersion = version;
    return this;
  }

  /** The model's own domain field (e.g. {@code io.gpux}), not an operator set domain. */
  public OnnxModelBuilder domain(String domain) {
    this.domain = domain;
    return this;
  }

  public OnnxModelBuilder modelVersion(long version) {
    this.modelVersion = version;
    return this;
  }

  public OnnxModelBuilder docString(String docString) {
    this.docString = docString;
    return this;
  }

  public OnnxModelBuilder graphName(String name) {
    this.graphName = name;
    return this;
  }

  /** The default (ai.onnx) operator set; 17 when no opset is given at all. */
  public OnnxModelBuilder opset(long version) {
    return opset("", version);
  }

  public OnnxModelBuilder opset(String domain, long version) {
    opsets.put(domain, version);
    return this;
  }

  public OnnxModelBuilder metadata(String key, String value) {
    metadata.put(key, value);
    return this;
  }

  /** A tensor input; each dim is a fixed size, -1 (unknown) or a String (named dynamic dim). */
  public OnnxModelBuilder input(String name, String dataType, Object... dims) {
    inputs.add(tensorValue(name, DataType.named(dataType), dims, null));
    return this;
  }

  public OnnxModelBuilder input(String name, String dataType, long[] dims) {
    return input(name, dataType, boxed(dims));
  }

  /** A tensor input whose rank is unknown: the tensor type has no shape field at all. */
  public OnnxModelBuilder inputWithoutShape(String name, String dataType) {
    inputs.add(tensorValue(name, DataType.named(dataType), null, null));
    return this;
  }

  /** A tensor input with a {@code doc_string}. */
  public OnnxModelBuilder documentedInput(
      String name, String docString, String dataType, Object... dims) {
    inputs.add(tensorValue(name, DataType.named(dataType), dims, docString));
    return this;
  }

  /** A {@code sequence(tensor(dataType))} input, which is not a tensor. */
  public OnnxModelBuilder sequenceInput(String name, String dataType) {
    ProtoWriter elemType =
        new ProtoWriter().message(TYPE_TENSOR, tensorType(DataType.named(dataType)));
    ProtoWriter type =
        new ProtoWriter()
            .message(TYPE_SEQUENCE, new ProtoWriter().message(SEQUENCE_ELEM_TYPE, elemType));
    inputs.add(new ProtoWriter().string(VALUE_NAME, name).message(VALUE_TYPE, type));
    return this;
  }

  public OnnxModelBuilder output(String name, String dataType, Object... dims) {
    outputs.add(tensorValue(name, DataType.named(dataType), dims, null));
    return this;
  }

  public OnnxModelBuilder output(String name, String dataType, long[] dims) {
    return output(name, dataType, boxed(dims));
  }

  /**
   * A constant tensor stored in the model: numeric values as little-endian {@code raw_data}, a
   * {@code String[]} as {@code string_data}. Values may be any primitive array; they are converted
   * to {@code dataType} (see {@link DataType#rawData}).
   */
  public OnnxModelBuilder initializer(String name, String dataType, long[] dims, Object values) {
    DataType type = DataType.named(dataType);
    ProtoWriter tensor = tensorHeader(name, type, dims, values);
    if (type == DataType.STRING) {
      for (String s : (String[]) values) {
        tensor.bytes(TENSOR_STRING_DATA, s.getBytes(StandardCharsets.UTF_8));
      }
    } else {
      tensor.bytes(TENSOR_RAW_DATA, type.rawData(values));
    }
    initializers.add(tensor);
    return this;
  }

  /**
   * An initializer whose bytes live in a side file, as exporters write models over 2 GB: the tensor
   * has {@code data_location = EXTERNAL} and {@code location}/{@code offset}/{@code length}
   * entries. Several initializers may share a location; {@link #writeTo} writes the side files next
   * to the model, while {@link #build} returns only the model's bytes.
   */
  public OnnxModelBuilder externalInitializer(
      String name, String dataType, long[] dims, Object values, String location) {
    DataType type = DataType.named(dataType);
    ProtoWriter tensor = tensorHeader(name, type, dims, values);
    byte[] data = type.rawData(values);
    ByteArrayOutputStream file =
        externalFiles.computeIfAbsent(location, l -> new ByteArrayOutputStream());
    long offset = file.size();
    file.writeBytes(data);
    tensor.message(TENSOR_EXTERNAL_DATA, entry("location", location));
    tensor.message(TENSOR_EXTERNAL_DATA, entry("offset", Long.toString(offset)));
    tensor.message(TENSOR_EXTERNAL_DATA, entry("length", Long.toString(data.length)));
    tensor.varint(TENSOR_DATA_LOCATION, DATA_LOCATION_EXTERNAL);
    initializers.add(tensor);
    return this;
  }

  public OnnxModelBuilder node(String opType, List<String> inputs, List<String> outputs) {
    return node(opType, inputs, outputs, Map.of());
  }

  /** A node of the default domain; attribute types follow the values' classes. */
  public OnnxModelBuilder node(
      String opType, List<String> inputs, List<String> outputs, Map<String, ?> attributes) {
    return node("", opType, inputs, outputs, attributes);
  }

  /** A node of another operator domain, e.g. {@code com.microsoft} contrib ops. */
  public OnnxModelBuilder node(
      String domain,
      String opType,
      List<String> inputs,
      List<String> outputs,
      Map<String, ?> attributes) {
    ProtoWriter node = new ProtoWriter();
    inputs.forEach(i -> node.string(NODE_INPUT, i));
    outputs.forEach(o -> node.string(NODE_OUTPUT, o));
    node.string(NODE_NAME, opType + "_" + nodes.size());
    node.string(NODE_OP_TYPE, opType);
    // Sorted so that the same builder calls always give the same bytes, whatever the Map.
    attributes.keySet().stream()
        .sorted()
        .forEach(k -> node.message(NODE_ATTRIBUTE, NodeAttribute.encode(k, attributes.get(k))));
    if (!domain.isEmpty()) {
      node.string(NODE_DOMAIN, domain);
    }
    nodes.add(node);
    return this;
  }

  /** The serialized {@code ModelProto}; external initializers' side files are not included. */
  public byte[] build() {
    ProtoWriter model = new ProtoWriter().varint(IR_VERSION, irVersion);
    if (producerName != null) {
      model.string(PRODUCER_NAME, producerName);
    }
    if (producerVersion != null) {
      model.string(PRODUCER_VERSION, producerVersion);
    }
    if (domain != null) {
      model.string(MODEL_DOMAIN, domain);
    }
    if (modelVersion != 0) {
      model.varint(MODEL_VERSION, modelVersion);
    }
    if (docString != null) {
      model.string(MODEL_DOC_STRING, docString);
    }
    model.message(GRAPH, graph());
    Map<String, Long> imports = opsets.isEmpty() ? Map.of("", DEFAULT_OPSET) : opsets;
    imports.forEach(
        (d, v) ->
            model.message(
                OPSET_IMPORT, new ProtoWriter().string(OPSET_DOMAIN, d).varint(OPSET_VERSION, v)));
    metadata.forEach((k, v) -> model.message(METADATA_PROPS, entry(k, v)));
    return model.toByteArray();
  }

  /** Writes the model to {@code file} (creating its directory) and side files next to it. */
  public Path writeTo(Path file) {
    try {
      Path dir = file.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      Files.write(file, build());
      for (Map.Entry<String, ByteArrayOutputStream> e : externalFiles.entrySet()) {
        Files.write(dir.resolve(e.getKey()), e.getValue().toByteArray());
      }
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the test model " + file, e);
    }
  }

  private ProtoWriter graph() {
    ProtoWriter graph = new ProtoWriter();
    nodes.forEach(n -> graph.message(GRAPH_NODE, n));
    graph.string(GRAPH_NAME, graphName);
    initializers.forEach(i -> graph.message(GRAPH_INITIALIZER, i));
    inputs.forEach(i -> graph.message(GRAPH_INPUT, i));
    outputs.forEach(o -> graph.message(GRAPH_OUTPUT, o));
    return graph;
  }

  static ProtoWriter tensorHeader(String name, DataType type, long[] dims, Object values) {
    long expected = 1;
    for (long d : dims) {
      expected *= d;
    }
    int actual = values != null && values.getClass().isArray() ? Array.getLength(values) : -1;
    if (actual != expected) {
      throw new IllegalArgumentException(
          "initializer '" + name + "' has " + actual + " values for " + expected + " elements");
    }
    ProtoWriter tensor = new ProtoWriter();
    for (long d : dims) {
      tensor.varint(TENSOR_DIMS, d);
    }
    return tensor.varint(TENSOR_DATA_TYPE, type.code).string(TENSOR_NAME, name);
  }

  private static ProtoWriter tensorValue(
      String name, DataType type, Object[] dims, String docString) {
    ProtoWriter tensorType = tensorType(type);
    if (dims != null) {
      tensorType.message(TENSOR_TYPE_SHAPE, shape(dims));
    }
    ProtoWriter value =
        new ProtoWriter()
            .string(VALUE_NAME, name)
            .message(VALUE_TYPE, new ProtoWriter().message(TYPE_TENSOR, tensorType));
    if (docString != null) {
      value.string(VALUE_DOC_STRING, docString);
    }
    return value;
  }

  private static ProtoWriter tensorType(DataType type) {
    return new ProtoWriter().varint(TENSOR_TYPE_ELEM_TYPE, type.code);
  }

  private static ProtoWriter shape(Object[] dims) {
    ProtoWriter shape = new ProtoWriter();
    for (Object d : dims) {
      ProtoWriter dim = new ProtoWriter();
      if (d instanceof String param) {
        dim.string(DIM_PARAM, param);
      } else if (d instanceof Number n && n.longValue() >= 0) {
        dim.varint(DIM_VALUE, n.longValue());
      } else if (!(d instanceof Number unknown && unknown.longValue() == -1)) {
        throw new IllegalArgumentException(
            "a dim must be a size >= 0, -1 (unknown) or a String name, not " + d);
      }
      shape.message(SHAPE_DIM, dim);
    }
    return shape;
  }

  private static ProtoWriter entry(String key, String value) {
    return new ProtoWriter().string(ENTRY_KEY, key).string(ENTRY_VALUE, value);
  }

  private static Object[] boxed(long[] dims) {
    Object[] boxed = new Object[dims.length];
    for (int i = 0; i < dims.length; i++) {
      boxed[i] = dims[i];
    }
    return boxed;
  }
}
