package io.gpux.onnx;

import io.gpux.onnx.OnnxValueInfo.Dim;
import java.util.ArrayList;
import java.util.List;

/** Parses a {@code ValueInfoProto}: a name, a {@code TypeProto} and a doc string. */
final class ValueInfoParser {
  // ValueInfoProto
  private static final int NAME = 1;
  private static final int TYPE = 2;
  private static final int DOC_STRING = 3;
  // TypeProto (the other members of its oneof, sequence_type=4, map_type=5..., are not tensors)
  private static final int TENSOR_TYPE = 1;
  // TypeProto.Tensor
  private static final int ELEM_TYPE = 1;
  private static final int SHAPE = 2;
  // TensorShapeProto and its Dimension
  private static final int DIM = 1;
  private static final int DIM_VALUE = 1;
  private static final int DIM_PARAM = 2;

  private String name = "";
  private ElementType elementType;
  private List<Dim> shape;
  private String docString = "";

  private ValueInfoParser() {}

  static OnnxValueInfo parse(ProtoReader valueInfo) throws MalformedProtoException {
    ValueInfoParser parser = new ValueInfoParser();
    while (valueInfo.hasMoreFields()) {
      switch (valueInfo.nextField()) {
        case NAME -> parser.name = valueInfo.readString();
        case TYPE -> parser.type(valueInfo.readMessage());
        case DOC_STRING -> parser.docString = valueInfo.readString();
        default -> valueInfo.skipField();
      }
    }
    return new OnnxValueInfo(parser.name, parser.elementType, parser.shape, parser.docString);
  }

  private void type(ProtoReader type) throws MalformedProtoException {
    while (type.hasMoreFields()) {
      if (type.nextField() == TENSOR_TYPE) {
        tensorType(type.readMessage());
      } else {
        type.skipField();
      }
    }
  }

  private void tensorType(ProtoReader tensor) throws MalformedProtoException {
    while (tensor.hasMoreFields()) {
      switch (tensor.nextField()) {
        case ELEM_TYPE -> elementType = ElementType.fromOnnxCode((int) tensor.readInt64());
        case SHAPE -> shape = shape(tensor.readMessage());
        default -> tensor.skipField();
      }
    }
  }

  private static List<Dim> shape(ProtoReader shape) throws MalformedProtoException {
    List<Dim> dims = new ArrayList<>();
    while (shape.hasMoreFields()) {
      if (shape.nextField() == DIM) {
        dims.add(dim(shape.readMessage()));
      } else {
        shape.skipField();
      }
    }
    return dims;
  }

  private static Dim dim(ProtoReader dim) throws MalformedProtoException {
    Dim result = Dim.unknown();
    while (dim.hasMoreFields()) {
      switch (dim.nextField()) {
        case DIM_VALUE -> result = Dim.fixed(dim.readInt64());
        case DIM_PARAM -> {
          String param = dim.readString();
          // An empty dim_param is how some exporters spell "no name".
          result = param.isEmpty() ? Dim.unknown() : Dim.param(param);
        }
        default -> dim.skipField();
      }
    }
    return result;
  }
}
