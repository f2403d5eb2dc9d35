package io.gpux.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.gpux.Gpux;
import io.gpux.inference.InferenceModel;
import io.gpux.runtime.ExecutionProvider;
import io.gpux.runtime.ModelSession;
import io.gpux.runtime.RuntimeOptions;
import io.gpux.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Times one inference, the Java side of {@code bench/run.sh} (the Python side is {@code
 * bench/ort_baseline.py}).
 *
 * <pre>java ... InferenceOverhead SIDE MODEL.onnx INPUT.json WARMUP ITERATIONS</pre>
 *
 * <ul>
 *   <li>{@code gpux}: GPUX's library path, {@code InferenceModel.run(Map<String, Tensor>)}: tensors
 *       in, tensors out (making ONNX Runtime tensors, running, copying the outputs back). The model
 *       is loaded with {@code Gpux.open().load(path, options)}.
 *   <li>{@code ort-java}: ONNX Runtime's own Java API doing what Python's {@code session.run(None,
 *       feeds)} does, on the same GPUX session: wrap the prepared input buffers as {@code
 *       OnnxTensor}s, run, copy every output into a Java buffer (as Python copies into numpy),
 *       close. It is the floor any Java wrapper of ONNX Runtime starts from; GPUX minus this is
 *       GPUX's own layer.
 * </ul>
 *
 * Both use one intra-op and one inter-op thread on the CPU provider, build their inputs once from
 * the JSON file, warm up (JIT) before timing, and time each call with {@code System.nanoTime}.
 * Prints one JSON line: {@code {"side":...,"median_ns":...,"mean_ns":...,"p95_ns":...,...}}, with
 * {@code checksum}, the sum of all output elements of the last call (both sides and Python must
 * agree: same model, same inputs).
 */
public final class InferenceOverhead {
  private InferenceOverhead() {}

  /** One timed call; returns its outputs' checksum when asked to (outside the timed loop). */
  private interface Call {
    double run(boolean checksum) throws Exception;
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 5) {
      System.err.println(
          "usage: InferenceOverhead gpux|ort-java MODEL.onnx INPUT.json WARMUP ITERATIONS");
      System.exit(2);
    }
    String side = args[0];
    Path model = Path.of(args[1]).toAbsolutePath();
    Path input = Path.of(args[2]);
    int warmup = Integer.parseInt(args[3]);
    int iterations = Integer.parseInt(args[4]);
    RuntimeOptions options =
        RuntimeOptions.defaults().withThreads(1, 1).withProvider(ExecutionProvider.CPU);
    try (Gpux gpux = Gpux.open()) {
      InferenceModel m = gpux.load(model.toString(), options);
      Map<String, Tensor> feeds =
          m.toTensors(io.gpux.json.Json.mapper().readTree(Files.readString(input)));
      Call call =
          switch (side) {
            case "gpux" -> checksum -> gpuxCall(m, feeds, checksum);
            case "ort-java" -> ortJavaCall(m.session(), feeds);
            default -> throw new IllegalArgumentException("unknown side " + side);
          };
      for (int i = 0; i < warmup; i++) {
        call.run(false);
      }
      long[] ns = new long[iterations];
      for (int i = 0; i < iterations; i++) {
        long t0 = System.nanoTime();
        call.run(false);
        ns[i] = System.nanoTime() - t0;
      }
      double checksum = call.run(true);
      Arrays.sort(ns);
      double mean = Arrays.stream(ns).average().orElse(0);
      System.out.printf(
          Locale.ROOT,
          "{\"side\":\"%s\",\"median_ns\":%d,\"mean_ns\":%.0f,\"p95_ns\":%d,"
              + "\"warmup\":%d,\"iterations\":%d,\"checksum\":%.9g}%n",
          side,
          ns[ns.length / 2],
          mean,
          ns[(int) Math.min(ns.length - 1, Math.ceil(0.95 * ns.length) - 1)],
          warmup,
          iterations,
          checksum);
    }
  }

  private static double gpuxCall(InferenceModel m, Map<String, Tensor> feeds, boolean checksum) {
    Map<String, Tensor> out = m.run(feeds);
    if (!checksum) {
      return 0;
    }
    double sum = 0;
    for (Tensor t : out.values()) {
      for (int i = 0; i < t.elementCount(); i++) {
        sum += t.doubleAt(i);
      }
    }
    return sum;
  }

  /** The plain ONNX Runtime Java equivalent of Python's {@code sess.run(None, feeds)}. */
  private static Call ortJavaCall(ModelSession session, Map<String, Tensor> feeds) {
    OrtEnvironment env = session.environment();
    // Inputs prepared once, like the numpy arrays on the Python side: writable direct buffers in
    // native order, which ONNX Runtime wraps without copying.
    Map<String, ByteBuffer> buffers = new LinkedHashMap<>();
    Map<String, long[]> shapes = new LinkedHashMap<>();
    Map<String, ai.onnxruntime.OnnxJavaType> types = new LinkedHashMap<>();
    for (Map.Entry<String, Tensor> e : feeds.entrySet()) {
      ByteBuffer src = e.getValue().data();
      ByteBuffer b = ByteBuffer.allocateDirect(src.remaining()).order(ByteOrder.nativeOrder());
      b.put(src).rewind();
      buffers.put(e.getKey(), b);
      shapes.put(e.getKey(), e.getValue().shape());
      types.put(e.getKey(), javaType(e.getValue()));
    }
    return checksum -> {
      Map<String, OnnxTensor> in = new LinkedHashMap<>();
      try {
        for (Map.Entry<String, ByteBuffer> e : buffers.entrySet()) {
          String name = e.getKey();
          in.put(
              name, OnnxTensor.createTensor(env, e.getValue(), shapes.get(name), types.get(name)));
        }
        double sum = 0;
        try (OrtSession.Result result = session.runRaw(in)) {
          for (Map.Entry<String, OnnxValue> o : result) {
            ByteBuffer copy = ((OnnxTensor) o.getValue()).getByteBuffer();
            if (checksum) {
              sum += sum(((OnnxTensor) o.getValue()).getInfo().type, copy);
            }
          }
        }
        return sum;
      } finally {
        in.values().forEach(OnnxTensor::close);
      }
    };
  }

  private static ai.onnxruntime.OnnxJavaType javaType(Tensor t) {
    return switch (t.type()) {
      case FLOAT32 -> ai.onnxruntime.OnnxJavaType.FLOAT;
      case FLOAT64 -> ai.onnxruntime.OnnxJavaType.DOUBLE;
      case INT64 -> ai.onnxruntime.OnnxJavaType.INT64;
      case INT32 -> ai.onnxruntime.OnnxJavaType.INT32;
      case INT8 -> ai.onnxruntime.OnnxJavaType.INT8;
      case UINT8 -> ai.onnxruntime.OnnxJavaType.UINT8;
      case BOOL -> ai.onnxruntime.OnnxJavaType.BOOL;
      default -> throw new IllegalArgumentException("the benchmark does not handle " + t.type());
    };
  }

  private static double sum(ai.onnxruntime.OnnxJavaType type, ByteBuffer b) {
    b.order(ByteOrder.nativeOrder());
    double sum = 0;
    switch (type) {
      case FLOAT -> {
        while (b.remaining() >= 4) {
          sum += b.getFloat();
        }
      }
      case DOUBLE -> {
        while (b.remaining() >= 8) {
          sum += b.getDouble();
        }
      }
      case INT64 -> {
        while (b.remaining() >= 8) {
          sum += b.getLong();
        }
      }
      case INT32 -> {
        while (b.remaining() >= 4) {
          sum += b.getInt();
        }
      }
      default -> {
        while (b.hasRemaining()) {
          sum += b.get();
        }
      }
    }
    return sum;
  }
}
