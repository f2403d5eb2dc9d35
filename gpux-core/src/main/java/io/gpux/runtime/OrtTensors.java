package io.gpux.runtime;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.TensorInfo;
import io.gpux.error.GpuxException;
import io.gpux.onnx.ElementType;
import io.gpux.tensor.Tensor;
import java.nio.ByteOrder;

/** Moves {@link Tensor}s in and out of ONNX Runtime. Numeric data is passed without a copy. */
final class OrtTensors {
  private OrtTensors() {}

  static OnnxTensor toOrt(OrtEnvironment env, String name, Tensor t) throws OrtException {
    if (t.type() == ElementType.STRING) {
      return OnnxTensor.createTensor(env, t.strings(), t.shape());
    }
    OnnxJavaType javaType = javaType(name, t.type());
    // A direct buffer is wrapped by ONNX Runtime as is; the tensor keeps it alive.
    return OnnxTensor.createTensor(env, t.data(), t.shape(), javaType);
  }

  static Tensor fromOrt(String name, OnnxValue value) throws OrtException {
    if (!(value instanceof OnnxTensor tensor)) {
      throw GpuxException.unavailable(
          "output '" + name + "' is a " + value.getType() + ", not a tensor",
          "GPUX returns tensor outputs only; export the model with tensor outputs (e.g. skl2onnx zipmap=False)");
    }
    TensorInfo info = tensor.getInfo();
    long[] shape = info.getShape();
    if (info.type == OnnxJavaType.STRING) {
      Object flat = tensor.getValue();
      return Tensor.ofStrings(shape, flatten(flat, (int) info.getNumElements()));
    }
    ElementType type = elementType(name, info);
    // getByteBuffer already copies out of native memory; one copy is enough.
    return Tensor.of(type, shape, tensor.getByteBuffer().order(ByteOrder.nativeOrder()));
  }

  private static String[] flatten(Object value, int count) {
    String[] out = new String[count];
    int[] next = {0};
    collect(value, out, next);
    return out;
  }

  private static void collect(Object value, String[] out, int[] next) {
    if (value instanceof String s) {
      out[next[0]++] = s;
    } else if (value instanceof Object[] array) {
      for (Object o : array) {
        collect(o, out, next);
      }
    }
  }

  /** ONNX Runtime numbers its element types its own way; its enum names match ONNX's. */
  static ElementType elementType(TensorInfo.OnnxTensorType type) {
    return ElementType.parse(type.name().substring("ONNX_TENSOR_ELEMENT_DATA_TYPE_".length()));
  }

  static ElementType elementType(String name, TensorInfo info) {
    ElementType t = elementType(info.onnxType);
    if (t == null) {
      throw GpuxException.unavailable(
          "'" + name + "' has element type " + info.onnxType + ", which GPUX does not handle",
          "convert the model to a common dtype (float32, int64, ...)");
    }
    return t;
  }

  private static OnnxJavaType javaType(String name, ElementType t) {
    return switch (t) {
      case FLOAT32 -> OnnxJavaType.FLOAT;
      case FLOAT64 -> OnnxJavaType.DOUBLE;
      case FLOAT16 -> OnnxJavaType.FLOAT16;
      case BFLOAT16 -> OnnxJavaType.BFLOAT16;
      case INT8 -> OnnxJavaType.INT8;
      case UINT8 -> OnnxJavaType.UINT8;
      case INT16 -> OnnxJavaType.INT16;
      case INT32 -> OnnxJavaType.INT32;
      case INT64 -> OnnxJavaType.INT64;
      case BOOL -> OnnxJavaType.BOOL;
      default ->
          throw GpuxException.unavailable(
              "input '" + name + "' is " + t + ", which ONNX Runtime's Java API cannot create",
              "change the model's input to a signed type (e.g. insert a Cast node)");
    };
  }
}
