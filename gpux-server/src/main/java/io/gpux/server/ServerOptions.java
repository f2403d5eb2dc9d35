package io.gpux.server;

import io.gpux.project.ProjectConfig;
import java.time.Duration;
import java.util.List;

/**
 * How the server runs. Defaults and their reasons are in docs/serve.md ("Limits and timeouts").
 *
 * @param maxConcurrent requests answered at once; more wait in line up to {@code maxQueued}
 * @param maxQueued requests waiting; beyond that the answer is 503 with {@code Retry-After}
 * @param maxBodyBytes larger request bodies get 413
 * @param batching dynamic batching, as Triton configures it
 * @param memoryBudgetBytes what requests being read and answered may hold at once, counted as
 *     {@link Admission#EXPANSION} times their body; beyond it the answer is 503
 * @param headerTimeout the longest a request's line and headers may take to arrive, from its first
 *     byte (408 after it)
 * @param bodyTimeout the longest gap between two reads of a request body (408 after it)
 * @param idleTimeout how long a keep-alive connection may wait for its next request
 * @param maxConnections connections open at once; more are closed as they arrive
 */
public record ServerOptions(
    String host,
    int port,
    int maxConcurrent,
    int maxQueued,
    long maxBodyBytes,
    Batching batching,
    long memoryBudgetBytes,
    Duration headerTimeout,
    Duration bodyTimeout,
    Duration idleTimeout,
    int maxConnections) {

  /**
   * Dynamic batching, in Triton's terms ({@code max_batch_size} and {@code dynamic_batching}'s
   * {@code preferred_batch_size} and {@code max_queue_delay_microseconds}).
   *
   * @param maxBatchSize rows joined into one run at most; 1 turns batching off
   * @param preferredSizes ascending: a batch that reaches one of these sizes runs at once, without
   *     waiting out the queue delay; empty: a batch waits for {@code maxBatchSize} rows or the
   *     delay
   * @param maxQueueDelayMicros how long a request may wait in the queue for others to batch with
   */
  public record Batching(int maxBatchSize, List<Integer> preferredSizes, long maxQueueDelayMicros) {
    public Batching {
      preferredSizes = preferredSizes.stream().sorted().distinct().toList();
    }

    public static Batching of(ProjectConfig.ServingSection s) {
      return new Batching(s.batchSize(), s.preferredBatchSizes(), s.maxQueueDelayMicros());
    }
  }

  /** Half the JVM's heap: tensors live in direct memory, which the JVM caps at the heap's size. */
  public static long defaultMemoryBudget() {
    return Runtime.getRuntime().maxMemory() / 2;
  }

  public static ServerOptions defaults() {
    return new ServerOptions(
        "127.0.0.1",
        8080,
        4,
        64,
        64L << 20,
        Batching.of(ProjectConfig.ServingSection.defaults()),
        defaultMemoryBudget(),
        Duration.ofSeconds(10),
        Duration.ofSeconds(30),
        Duration.ofSeconds(60),
        1024);
  }

  /**
   * The defaults for serving these models: address, workers and batching from the first one's
   * gpux.yml {@code serving:} section ({@code host}, {@code port}, {@code max_workers}, {@code
   * batch_size}, {@code preferred_batch_size}, {@code max_queue_delay_microseconds}); with no model
   * yet (explicit model control) the section's own defaults. The rest is {@link #defaults()}.
   */
  public static ServerOptions forModels(List<ServedModel> served) {
    ProjectConfig.ServingSection s =
        served.isEmpty()
            ? ProjectConfig.ServingSection.defaults()
            : served.get(0).model().project().config().serving();
    return defaults()
        .withAddress(s.host(), s.port())
        .withWorkers(s.maxWorkers())
        .withBatching(Batching.of(s));
  }

  public int maxBatchSize() {
    return batching.maxBatchSize();
  }

  public long maxQueueDelayMicros() {
    return batching.maxQueueDelayMicros();
  }

  public ServerOptions withAddress(String h, int p) {
    Builder b = edit();
    b.host = h;
    b.port = p;
    return b.build();
  }

  public ServerOptions withWorkers(int workers) {
    return withLimits(workers, maxQueued, maxBodyBytes);
  }

  public ServerOptions withLimits(int concurrent, int queued, long bodyBytes) {
    Builder b = edit();
    b.maxConcurrent = concurrent;
    b.maxQueued = queued;
    b.maxBodyBytes = bodyBytes;
    return b.build();
  }

  /**
   * Dynamic batching: join up to {@code rows} rows, waiting at most {@code delayMicros}; 1 is off.
   */
  public ServerOptions withBatching(int rows, long delayMicros) {
    return withBatching(new Batching(rows, List.of(), delayMicros));
  }

  public ServerOptions withBatching(Batching batching) {
    Builder b = edit();
    b.batching = batching;
    return b.build();
  }

  public ServerOptions withMemoryBudget(long bytes) {
    Builder b = edit();
    b.memoryBudgetBytes = bytes;
    return b.build();
  }

  public ServerOptions withTimeouts(Duration header, Duration body, Duration idle) {
    Builder b = edit();
    b.headerTimeout = header;
    b.bodyTimeout = body;
    b.idleTimeout = idle;
    return b.build();
  }

  public ServerOptions withMaxConnections(int connections) {
    Builder b = edit();
    b.maxConnections = connections;
    return b.build();
  }

  private Builder edit() {
    return new Builder(this);
  }

  /** A copy to change a few fields of: each wither sets only what it changes. */
  private static final class Builder {
    String host;
    int port;
    int maxConcurrent;
    int maxQueued;
    long maxBodyBytes;
    Batching batching;
    long memoryBudgetBytes;
    Duration headerTimeout;
    Duration bodyTimeout;
    Duration idleTimeout;
    int maxConnections;

    Builder(ServerOptions o) {
      host = o.host;
      port = o.port;
      maxConcurrent = o.maxConcurrent;
      maxQueued = o.maxQueued;
      maxBodyBytes = o.maxBodyBytes;
      batching = o.batching;
      memoryBudgetBytes = o.memoryBudgetBytes;
      headerTimeout = o.headerTimeout;
      bodyTimeout = o.bodyTimeout;
      idleTimeout = o.idleTimeout;
      maxConnections = o.maxConnections;
    }

    ServerOptions build() {
      return new ServerOptions(
          host,
          port,
          maxConcurrent,
          maxQueued,
          maxBodyBytes,
          batching,
          memoryBudgetBytes,
          headerTimeout,
          bodyTimeout,
          idleTimeout,
          maxConnections);
    }
  }
}
