package io.gpux.onnx;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A second pass over {@code ModelProto.graph} for {@link OnnxGraphStats}: the nodes' operator types
 * and the initializers' dims. Weight payloads are skipped unread, as in {@link GraphParser}.
 */
final class GraphStatsParser {
  private static final int MODEL_GRAPH = 7;
  // GraphProto
  private static final int NODE = 1;
  private static final int INITIALIZER = 5;
  private static final int SPARSE_INITIALIZER = 15;
  // NodeProto
  private static final int OP_TYPE = 4;
  private static final int NODE_DOMAIN = 7;
  // TensorProto
  private static final int DIMS = 1;
  // SparseTensorProto
  private static final int SPARSE_VALUES = 1;

  private GraphStatsParser() {}

  static OnnxGraphStats parse(ProtoReader model) throws MalformedProtoException {
    while (model.hasMoreFields()) {
      if (model.nextField() == MODEL_GRAPH) {
        return graph(model.readMessage());
      }
      model.skipField();
    }
    throw new MalformedProtoException("it has no graph");
  }

  private static OnnxGraphStats graph(ProtoReader graph) throws MalformedProtoException {
    long parameters = 0;
    int initializers = 0;
    int nodes = 0;
    Map<String, Integer> operators = new LinkedHashMap<>();
    while (graph.hasMoreFields()) {
      switch (graph.nextField()) {
        case NODE -> {
          nodes++;
          operators.merge(operator(graph.readMessage()), 1, Integer::sum);
        }
        case INITIALIZER -> {
          initializers++;
          parameters += elements(graph.readMessage());
        }
        case SPARSE_INITIALIZER -> {
          initializers++;
          parameters += sparseElements(graph.readMessage());
        }
        default -> graph.skipField();
      }
    }
    return new OnnxGraphStats(parameters, initializers, nodes, operators);
  }

  private static String operator(ProtoReader node) throws MalformedProtoException {
    String op = "";
    String domain = "";
    while (node.hasMoreFields()) {
      switch (node.nextField()) {
        case OP_TYPE -> op = node.readString();
        case NODE_DOMAIN -> domain = node.readString();
        default -> node.skipField();
      }
    }
    return domain.isEmpty() || domain.equals("ai.onnx") ? op : domain + ":" + op;
  }

  /** The product of a tensor's dims (1 for a scalar), packed or not as the writer chose. */
  static long elements(ProtoReader tensor) throws MalformedProtoException {
    long product = 1;
    while (tensor.hasMoreFields()) {
      if (tensor.nextField() != DIMS) {
        tensor.skipField();
      } else if (tensor.wireType() == ProtoReader.LENGTH_DELIMITED) {
        ProtoReader packed = tensor.readPacked();
        while (packed.hasMoreFields()) {
          product *= Math.max(0, packed.readPackedVarint());
        }
      } else {
        product *= Math.max(0, tensor.readInt64());
      }
    }
    return product;
  }

  /** The stored values of a sparse initializer (its {@code values} tensor's elements). */
  private static long sparseElements(ProtoReader sparse) throws MalformedProtoException {
    long values = 0;
    while (sparse.hasMoreFields()) {
      if (sparse.nextField() == SPARSE_VALUES) {
        values += elements(sparse.readMessage());
      } else {
        sparse.skipField();
      }
    }
    return values;
  }
}
