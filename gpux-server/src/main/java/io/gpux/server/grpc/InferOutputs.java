package io.gpux.server.grpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import inference.GrpcService.ModelInferRequest;
import inference.GrpcService.ModelInferRequest.InferRequestedOutputTensor;
import inference.GrpcService.ModelInferResponse;
import inference.GrpcService.ModelInferResponse.InferOutputTensor;
import io.gpux.onnx.ElementType;
import io.gpux.server.Backend;
import io.gpux.server.ServedModel;
import io.gpux.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The answer to a {@code ModelInferRequest}: the outputs (all, or those it names) in {@code
 * raw_output_contents}, as Triton answers, which tritonclient and KServe's client both read.
 */
final class InferOutputs {
  private InferOutputs() {}

  static ModelInferResponse write(
      ServedModel m, ModelInferRequest request, Map<String, Tensor> outputs) {
    Set<String> wanted = new LinkedHashSet<>();
    for (InferRequestedOutputTensor o : request.getOutputsList()) {
      if (!outputs.containsKey(o.getName())) {
        throw GrpcErrors.invalid(
            "the model has no output named '" + o.getName() + "'; it has " + outputs.keySet());
      }
      wanted.add(o.getName());
    }
    ModelInferResponse.Builder b =
        ModelInferResponse.newBuilder()
            .setModelName(m.name())
            .setModelVersion(m.version())
            .setId(request.getId());
    for (Map.Entry<String, Tensor> e : outputs.entrySet()) {
      if (!wanted.isEmpty() && !wanted.contains(e.getKey())) {
        continue;
      }
      Tensor t = e.getValue();
      InferOutputTensor.Builder o =
          InferOutputTensor.newBuilder()
              .setName(e.getKey())
              .setDatatype(Backend.datatype(t.type()));
      for (long d : t.shape()) {
        o.addShape(d);
      }
      b.addOutputs(o);
      b.addRawOutputContents(raw(t));
    }
    return b.build();
  }

  /** The raw little-endian form; numeric data is wrapped, not copied, on little-endian hosts. */
  static ByteString raw(Tensor t) {
    if (t.type() == ElementType.STRING) {
      return ByteString.copyFrom(io.gpux.server.BinaryTensors.lengthPrefixed(t));
    }
    ByteBuffer data = t.data();
    if (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
      // The tensor is immutable once built and the response holds it until it is written.
      return UnsafeByteOperations.unsafeWrap(data);
    }
    int width = t.type().byteSize();
    byte[] out = new byte[data.remaining()];
    for (int i = 0; i < out.length; i += width) {
      for (int k = 0; k < width; k++) {
        out[i + k] = data.get(i + width - 1 - k);
      }
    }
    return UnsafeByteOperations.unsafeWrap(out);
  }
}
