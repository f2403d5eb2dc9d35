package io.gpux.project;

import java.util.List;
import java.util.Map;

/**
 * A parsed {@code gpux.yml}: the schema of the Python GPUX (so its projects run unchanged), with
 * every default filled in. Immutable.
 *
 * @param inputs in declaration order; empty when the file declares none (the model's own signature
 *     is used then)
 */
public record ProjectConfig(
    String name,
    String version,
    String description,
    ModelSection model,
    List<TensorSpec> inputs,
    List<TensorSpec> outputs,
    RuntimeSection runtime,
    ServingSection serving,
    PreprocessingSection preprocessing,
    Map<String, Object> metadata) {

  public ProjectConfig {
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
    metadata = Map.copyOf(metadata);
  }

  /** {@code model:}: where the model file is, relative to the directory of gpux.yml. */
  public record ModelSection(String source, String format, String version) {}

  /** {@code runtime:} */
  public record RuntimeSection(
      GpuSection gpu, int batchSize, int timeoutSeconds, boolean enableProfiling) {
    public static RuntimeSection defaults() {
      return new RuntimeSection(GpuSection.defaults(), 1, 30, false);
    }
  }

  /**
   * {@code runtime.gpu:}. Unlike the Python GPUX, both fields are used: {@code backend} picks the
   * preferred execution provider and {@code memory} caps the GPU arena.
   */
  public record GpuSection(String memory, long memoryBytes, String backend) {
    public static GpuSection defaults() {
      return new GpuSection("2GB", 2L << 30, "auto");
    }
  }

  /**
   * {@code serving:}, the defaults of {@code gpux serve}. Dynamic batching takes Triton's {@code
   * dynamic_batching} keys: {@code batch_size} is the largest batch (Triton's {@code
   * max_batch_size}), {@code preferred_batch_size} the sizes a batch is sent at as soon as it
   * reaches one, {@code max_queue_delay_microseconds} how long a request may wait for others.
   *
   * @param preferredBatchSizes ascending, distinct, each at most {@code batchSize}; empty: none
   */
  public record ServingSection(
      String host,
      int port,
      int batchSize,
      int timeoutSeconds,
      int maxWorkers,
      List<Integer> preferredBatchSizes,
      long maxQueueDelayMicros) {
    public ServingSection {
      preferredBatchSizes = List.copyOf(preferredBatchSizes);
    }

    /** Triton's default queue delay is 0; 2 ms lets concurrent requests meet at all. */
    public static final long DEFAULT_QUEUE_DELAY_MICROS = 2000;

    public static ServingSection defaults() {
      return new ServingSection("127.0.0.1", 8080, 1, 5, 4, List.of(), DEFAULT_QUEUE_DELAY_MICROS);
    }
  }

  /**
   * {@code preprocessing:}. {@code tokenizer} is a path to a tokenizer.json, relative to gpux.yml.
   */
  public record PreprocessingSection(
      String tokenizer,
      Integer maxLength,
      List<Integer> resize,
      String normalize,
      Map<String, Object> custom) {
    public static PreprocessingSection defaults() {
      return new PreprocessingSection(null, null, null, null, Map.of());
    }
  }
}
