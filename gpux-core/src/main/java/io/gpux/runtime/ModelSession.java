package io.gpux.runtime;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.gpux.error.ErrorCategory;
import io.gpux.error.GpuxException;
import io.gpux.tensor.Tensor;
import io.gpux.tensor.TensorSignature;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

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
  private final Set<String> inputNames;
  private final boolean pinnable;

  /**
   * Output buffers that ONNX Runtime writes into ("pinned outputs"), per combination of input
   * shapes, learnt from the first call with those shapes. Saves ONNX Runtime allocating the outputs
   * and the Java binding wrapping them on every call (most of the per-call cost of a small model).
   */
  private final Map<ShapeKey, PinnedOutputs> pinnedOutputs = new ConcurrentHashMap<>();

  private static final int MAX_PINNED_SHAPES = 16;

  ModelSession(Path modelFile, OrtEnvironment env, OrtSession session, ProviderChoice provider)
      throws OrtException {
    this.modelFile = modelFile;
    this.env = env;
    this.session = session;
    this.provider = provider;
    this.inputs = signatures(session.getInputInfo());
    this.outputs = signatures(session.getOutputInfo());
    this.inputNames = Set.copyOf(session.getInputNames());
    this.pinnable = outputShapesFollowInputShapes(inputs, outputs);
  }

  /**
   * Whether every output dimension is fixed or named after an input dimension ({@code batch}): then
   * the input shapes decide the output shapes, and outputs can be pinned. (A model that computes a
   * shape from values, e.g. NonZero, has output dimensions of its own.)
   */
  private static boolean outputShapesFollowInputShapes(
      List<TensorSignature> inputs, List<TensorSignature> outputs) {
    Set<String> inputDims = new java.util.HashSet<>();
    for (TensorSignature s : inputs) {
      if (s.dimNames() != null) {
        s.dimNames().stream().filter(n -> n != null && !n.isEmpty()).forEach(inputDims::add);
      }
    }
    for (TensorSignature s : outputs) {
      if (s.shape() == null) {
        return false;
      }
      for (int i = 0; i < s.shape().size(); i++) {
        String name = s.dimNames() == null ? null : s.dimNames().get(i);
        if (s.shape().get(i) < 0 && (name == null || !inputDims.contains(name))) {
          return false;
        }
      }
    }
    return true;
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
      ShapeKey key = pinnable ? ShapeKey.of(inputs, feeds) : null;
      PinnedOutputs pinned = pinnable ? pinnedOutputs.get(key) : null;
      if (pinned != null && pinned.usable()) {
        Map<String, Tensor> out = pinned.run(session, env, ort);
        if (out != null) {
          return out;
        }
      }
      try (OrtSession.Result result = session.run(ort)) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, OnnxValue> e : result) {
          out.put(e.getKey(), OrtTensors.fromOrt(e.getKey(), e.getValue()));
        }
        if (pinnable && pinned == null && pinnedOutputs.size() < MAX_PINNED_SHAPES) {
          pinnedOutputs.putIfAbsent(key, PinnedOutputs.of(out));
        }
        return out;
      }
    } catch (OrtException e) {
      throw new GpuxException(
          ErrorCategory.RUNTIME_FAILURE,
          "ONNX Runtime failed to run "
              + modelFile.getFileName()
              + ": "
              + forPeople(e.getMessage()),
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
      if (!inputNames.contains(name)) {
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

  private static final java.util.regex.Pattern NODE_FAILURE =
      java.util.regex.Pattern.compile(
          "Non-zero status code returned while running (\\S+) node\\. Name:'([^']*)' Status"
              + " Message: (.*)");

  /**
   * ONNX Runtime's run-time message without its wrapping: the Java binding's "Error code - ORT_FAIL
   * - message:" prefix and the C++ source location and failed assertion that precede the
   * explanation (the whole text stays in the exception, shown with --debug).
   */
  static String forPeople(String message) {
    String s = firstLine(message).replaceFirst("^Error code - ORT_\\w+ - message: ", "");
    java.util.regex.Matcher node = NODE_FAILURE.matcher(s);
    if (node.matches()) {
      String why = node.group(3).replaceFirst("^\\S+\\.(h|cc|cpp):\\d+ .*? was false\\. ", "");
      s = "node '" + node.group(2) + "' (" + node.group(1) + "): " + why;
    }
    return s;
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
    pinnedOutputs.values().forEach(PinnedOutputs::close);
    pinnedOutputs.clear();
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

  /** The shapes of a call's inputs, in the model's input order: the key of the pinned outputs. */
  private static final class ShapeKey {
    private final long[] dims; // each input's rank, then its dimensions
    private final int hash;

    private ShapeKey(long[] dims) {
      this.dims = dims;
      this.hash = Arrays.hashCode(dims);
    }

    static ShapeKey of(List<TensorSignature> inputs, Map<String, Tensor> feeds) {
      int n = 0;
      for (TensorSignature s : inputs) {
        n += 1 + feeds.get(s.name()).rank();
      }
      long[] dims = new long[n];
      int i = 0;
      for (TensorSignature s : inputs) {
        long[] shape = feeds.get(s.name()).shape();
        dims[i++] = shape.length;
        System.arraycopy(shape, 0, dims, i, shape.length);
        i += shape.length;
      }
      return new ShapeKey(dims);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof ShapeKey k && Arrays.equals(dims, k.dims);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }

  /**
   * Pinned output tensors for one combination of input shapes: the outputs' names, types and shapes
   * as the first call returned them, and a pool of buffer sets (one per concurrent caller). If a
   * model's output shapes also depend on input values, ONNX Runtime rejects the pinned buffer
   * (shape mismatch); then pinning is switched off for these shapes and the call runs normally.
   */
  private static final class PinnedOutputs {
    private final String[] names;
    private final io.gpux.onnx.ElementType[] types;
    private final long[][] shapes;
    private final java.util.concurrent.ConcurrentLinkedQueue<Buffers> free =
        new java.util.concurrent.ConcurrentLinkedQueue<>();
    private volatile boolean usable;

    private PinnedOutputs(
        String[] names, io.gpux.onnx.ElementType[] types, long[][] shapes, boolean usable) {
      this.names = names;
      this.types = types;
      this.shapes = shapes;
      this.usable = usable;
    }

    static PinnedOutputs of(Map<String, Tensor> outputs) {
      int n = outputs.size();
      String[] names = new String[n];
      io.gpux.onnx.ElementType[] types = new io.gpux.onnx.ElementType[n];
      long[][] shapes = new long[n][];
      boolean usable = true;
      int i = 0;
      for (Map.Entry<String, Tensor> e : outputs.entrySet()) {
        Tensor t = e.getValue();
        names[i] = e.getKey();
        types[i] = t.type();
        shapes[i] = t.shape();
        // Strings cannot be pinned; empty tensors are not worth it.
        usable &= t.type() != io.gpux.onnx.ElementType.STRING && t.elementCount() > 0;
        i++;
      }
      return new PinnedOutputs(names, types, shapes, usable);
    }

    boolean usable() {
      return usable;
    }

    /** Runs with pinned outputs and copies them out; null when pinning does not fit this model. */
    Map<String, Tensor> run(OrtSession session, OrtEnvironment env, Map<String, OnnxTensor> in)
        throws OrtException {
      Buffers set = free.poll();
      if (set == null) {
        try {
          set = new Buffers(env, this);
        } catch (OrtException | RuntimeException cannotPin) {
          // e.g. a uint16/32/64 output, which the Java API cannot wrap: run unpinned from now on.
          usable = false;
          return null;
        }
      }
      try (OrtSession.Result ignored = session.run(in, set.values)) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (int i = 0; i < names.length; i++) {
          java.nio.ByteBuffer copy =
              java.nio.ByteBuffer.allocate(set.buffers[i].capacity())
                  .order(java.nio.ByteOrder.nativeOrder());
          copy.put(set.buffers[i].duplicate().clear()).flip();
          out.put(names[i], Tensor.of(types[i], shapes[i], copy));
        }
        free.offer(set);
        return out;
      } catch (OrtException e) {
        usable = false;
        set.close();
        return null;
      }
    }

    void close() {
      usable = false;
      for (Buffers s = free.poll(); s != null; s = free.poll()) {
        s.close();
      }
    }

    /** One caller's output buffers, and ONNX Runtime tensors over them. */
    private static final class Buffers {
      final java.nio.ByteBuffer[] buffers;
      final Map<String, OnnxValue> values = new LinkedHashMap<>();

      Buffers(OrtEnvironment env, PinnedOutputs p) throws OrtException {
        buffers = new java.nio.ByteBuffer[p.names.length];
        try {
          for (int i = 0; i < p.names.length; i++) {
            long bytes = Tensor.elementCount(p.shapes[i]) * p.types[i].byteSize();
            buffers[i] =
                java.nio.ByteBuffer.allocateDirect(Math.toIntExact(bytes))
                    .order(java.nio.ByteOrder.nativeOrder());
            Tensor t = Tensor.of(p.types[i], p.shapes[i], buffers[i].duplicate());
            values.put(p.names[i], OrtTensors.toOrt(env, p.names[i], t));
          }
        } catch (OrtException | RuntimeException e) {
          close();
          throw e;
        }
      }

      void close() {
        values.values().forEach(OnnxValue::close);
      }
    }
  }
}
