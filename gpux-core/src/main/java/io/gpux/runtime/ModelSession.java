package io.gpux.runtime;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.gpux.ErrorCategory;
import io.gpux.GpuxException;
import io.gpux.tensor.Tensor;
import io.gpux.tensor.TensorSignature;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * One loaded model in ONNX Runtime: created once, reused for every call, safe to call from many
 * threads (ONNX Runtime's {@code run} is thread-safe).
 */
public final class ModelSession implements AutoCloseable {
  private final Path modelFile;
  private final OrtEnvironment env;
  private final OrtSession session;
  private final ProviderChoice provider;
  private final List<TensorSignature> inputs;
  private final List<TensorSignature> outputs;

  ModelSession(Path modelFile, OrtEnvironment env, OrtSession session, ProviderChoice provider)
      throws OrtException {
    this.modelFile = modelFile;
    this.env = env;
    this.session = session;
    this.provider = provider;
    this.inputs = signatures(session.getInputInfo());
    this.outputs = signatures(session.getOutputInfo());
  }

  public Path modelFile() {
    return modelFile;
  }

  public ProviderChoice provider() {
    return provider;
  }

  public List<TensorSignature> inputs() {
    return inputs;
  }

  public List<TensorSignature> outputs() {
    return outputs;
  }

  public TensorSignature input(String name) {
    return inputs.stream().filter(i -> i.name().equals(name)).findFirst().orElse(null);
  }

  /**
   * Runs the model. Every model input must be given; outputs come back in the model's order.
   *
   * @throws GpuxException naming the missing or unknown inputs, or ONNX Runtime's complaint
   */
  public Map<String, Tensor> run(Map<String, Tensor> feeds) {
    checkNames(feeds);
    Map<String, OnnxTensor> ort = new LinkedHashMap<>();
    try {
      for (Map.Entry<String, Tensor> e : feeds.entrySet()) {
        ort.put(e.getKey(), OrtTensors.toOrt(env, e.getKey(), e.getValue()));
      }
      try (OrtSession.Result result = session.run(ort)) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, OnnxValue> e : result) {
          out.put(e.getKey(), OrtTensors.fromOrt(e.getKey(), e.getValue()));
        }
        return out;
      }
    } catch (OrtException e) {
      throw new GpuxException(
          ErrorCategory.RUNTIME_FAILURE,
          "ONNX Runtime failed to run "
              + modelFile.getFileName()
              + ": "
              + firstLine(e.getMessage()),
          "check the input shapes against `gpux inspect`; run with --debug for details",
          e);
    } finally {
      ort.values().forEach(OnnxTensor::close);
    }
  }

  /** The raw ONNX Runtime call, for benchmarks that compare against Python's session.run. */
  public OrtSession.Result runRaw(Map<String, OnnxTensor> feeds) throws OrtException {
    return session.run(feeds);
  }

  public OrtEnvironment environment() {
    return env;
  }

  private void checkNames(Map<String, Tensor> feeds) {
    List<String> missing = new ArrayList<>();
    for (TensorSignature s : inputs) {
      if (!feeds.containsKey(s.name())) {
        missing.add(s.name());
      }
    }
    List<String> unknown = new ArrayList<>();
    for (String name : feeds.keySet()) {
      if (input(name) == null) {
        unknown.add(name);
      }
    }
    if (!unknown.isEmpty()) {
      throw GpuxException.invalidInput(
          "the model has no input named " + quoted(unknown),
          "its inputs are " + quoted(inputs.stream().map(TensorSignature::name).toList()));
    }
    if (!missing.isEmpty()) {
      throw GpuxException.invalidInput(
          "missing required input " + quoted(missing), "give every input: " + describe(inputs));
    }
  }

  static String describe(List<TensorSignature> sigs) {
    StringBuilder sb = new StringBuilder();
    for (TensorSignature s : sigs) {
      sb.append(sb.length() == 0 ? "" : ", ")
          .append(s.name())
          .append(" ")
          .append(s.type())
          .append(s.shapeText());
    }
    return sb.toString();
  }

  private static String quoted(List<String> names) {
    return String.join(", ", names.stream().map(n -> "'" + n + "'").toList());
  }

  static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private static List<TensorSignature> signatures(Map<String, NodeInfo> infos) {
    List<TensorSignature> out = new ArrayList<>();
    for (NodeInfo node : infos.values()) {
      if (node.getInfo() instanceof TensorInfo t) {
        List<Long> shape = Arrays.stream(t.getShape()).boxed().toList();
        String[] names = t.getDimensionNames();
        out.add(
            new TensorSignature(
                node.getName(),
                OrtTensors.elementType(t.onnxType),
                shape,
                names == null ? null : Arrays.asList(names)));
      } else {
        out.add(new TensorSignature(node.getName(), null, null, null));
      }
    }
    return List.copyOf(out);
  }

  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      // Closing a session that failed to close leaves nothing the caller can do.
    }
  }

  /** The set of input names, sorted, for messages. */
  public String inputNames() {
    return String.join(", ", new TreeSet<>(inputs.stream().map(TensorSignature::name).toList()));
  }
}
