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
 * @param maxBatchSize rows joined into one run by dynamic batching; 1 turns it off
 * @param maxQueueDelayMicros how long a request may wait for others to batch with
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
    int maxBatchSize,
    long maxQueueDelayMicros,
    long memoryBudgetBytes,
    Duration headerTimeout,
    Duration bodyTimeout,
    Duration idleTimeout,
    int maxConnections) {

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
        1,
        2000,
        defaultMemoryBudget(),
        Duration.ofSeconds(10),
        Duration.ofSeconds(30),
        Duration.ofSeconds(60),
        1024);
  }

  /**
   * The defaults for serving these models: address, workers and batch size from the first one's
   * gpux.yml {@code serving:} section ({@code host}, {@code port}, {@code max_workers}, {@code
   * batch_size}); with no model yet (explicit model control) the section's own defaults. The rest
   * is {@link #defaults()}.
   */
  public static ServerOptions forModels(List<ServedModel> served) {
    ProjectConfig.ServingSection s =
        served.isEmpty()
            ? ProjectConfig.ServingSection.defaults()
            : served.get(0).model().project().config().serving();
    ServerOptions d = defaults();
    return d.withAddress(s.host(), s.port())
        .withWorkers(s.maxWorkers())
        .withBatching(s.batchSize(), d.maxQueueDelayMicros());
  }

  public ServerOptions withAddress(String h, int p) {
    return new ServerOptions(
        h,
        p,
        maxConcurrent,
        maxQueued,
        maxBodyBytes,
        maxBatchSize,
        maxQueueDelayMicros,
        memoryBudgetBytes,
        headerTimeout,
        bodyTimeout,
        idleTimeout,
        maxConnections);
  }

  public ServerOptions withWorkers(int workers) {
    return withLimits(workers, maxQueued, maxBodyBytes);
  }

  public ServerOptions withLimits(int concurrent, int queued, long bodyBytes) {
    return new ServerOptions(
        host,
        port,
        concurrent,
        queued,
        bodyBytes,
        maxBatchSize,
        maxQueueDelayMicros,
        memoryBudgetBytes,
        headerTimeout,
        bodyTimeout,
        idleTimeout,
        maxConnections);
  }

  /**
   * Dynamic batching: join up to {@code rows} rows, waiting at most {@code delayMicros}; 1 is off.
   */
  public ServerOptions withBatching(int rows, long delayMicros) {
    return new ServerOptions(
        host,
        port,
        maxConcurrent,
        maxQueued,
        maxBodyBytes,
        rows,
        delayMicros,
        memoryBudgetBytes,
        headerTimeout,
        bodyTimeout,
        idleTimeout,
        maxConnections);
  }

  public ServerOptions withMemoryBudget(long bytes) {
    return new ServerOptions(
        host,
        port,
        maxConcurrent,
        maxQueued,
        maxBodyBytes,
        maxBatchSize,
        maxQueueDelayMicros,
        bytes,
        headerTimeout,
        bodyTimeout,
        idleTimeout,
        maxConnections);
  }

  public ServerOptions withTimeouts(Duration header, Duration body, Duration idle) {
    return new ServerOptions(
        host,
        port,
        maxConcurrent,
        maxQueued,
        maxBodyBytes,
        maxBatchSize,
        maxQueueDelayMicros,
        memoryBudgetBytes,
        header,
        body,
        idle,
        maxConnections);
  }

  public ServerOptions withMaxConnections(int connections) {
    return new ServerOptions(
        host,
        port,
        maxConcurrent,
        maxQueued,
        maxBodyBytes,
        maxBatchSize,
        maxQueueDelayMicros,
        memoryBudgetBytes,
        headerTimeout,
        bodyTimeout,
        idleTimeout,
        connections);
  }
}
