package io.gpux.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gpux.Gpux;
import io.gpux.inference.InferenceModel;
import io.gpux.runtime.ExecutionProvider;
import io.gpux.runtime.RuntimeOptions;
import io.gpux.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * Times GPUX's library path for one inference: {@code InferenceModel.run} with tensors in and
 * tensors out, which includes making ONNX Runtime tensors and copying the outputs back. One thread
 * inside and across operators, on CPU, like {@code bench/ort_baseline.py}.
 *
 * <pre>java ... InferenceOverhead MODEL.onnx INPUT.json WARMUP ITERATIONS</pre>
 *
 * Prints one JSON line: {"side":"gpux","median_ns":...,"mean_ns":...,"p95_ns":...}.
 */
public final class InferenceOverhead {
  private InferenceOverhead() {}

  public static void main(String[] args) throws Exception {
    Path model = Path.of(args[0]);
    JsonNode input = new ObjectMapper().readTree(Files.readString(Path.of(args[1])));
    int warmup = Integer.parseInt(args[2]);
    int iterations = Integer.parseInt(args[3]);
    RuntimeOptions options =
        RuntimeOptions.defaults().withThreads(1, 1).withProvider(ExecutionProvider.CPU);
    try (Gpux gpux = Gpux.open()) {
      InferenceModel m = gpux.load(model.toString(), options);
      Map<String, Tensor> feeds = m.toTensors(input);
      for (int i = 0; i < warmup; i++) {
        m.run(feeds);
      }
      long[] ns = new long[iterations];
      for (int i = 0; i < iterations; i++) {
        long t0 = System.nanoTime();
        m.run(feeds);
        ns[i] = System.nanoTime() - t0;
      }
      Arrays.sort(ns);
      double mean = Arrays.stream(ns).average().orElse(0);
      System.out.printf(
          Locale.ROOT,
          "{\"side\":\"gpux\",\"median_ns\":%d,\"mean_ns\":%.0f,\"p95_ns\":%d}%n",
          ns[ns.length / 2],
          mean,
          ns[(int) Math.min(ns.length - 1, Math.ceil(0.95 * ns.length) - 1)]);
    }
  }
}
