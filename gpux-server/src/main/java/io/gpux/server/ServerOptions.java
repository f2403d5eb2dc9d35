package io.gpux.server;

/**
 * How the server runs.
 *
 * @param maxConcurrent requests answered at once; more wait in line up to {@code maxQueued}
 * @param maxQueued requests waiting; beyond that the answer is 503 with {@code Retry-After}
 * @param maxBodyBytes larger request bodies get 413
 * @param maxBatchSize rows joined into one run by dynamic batching; 1 turns it off
 * @param maxQueueDelayMicros how long a request may wait for others to batch with
 */
public record ServerOptions(
    String host,
    int port,
    int maxConcurrent,
    int maxQueued,
    long maxBodyBytes,
    int maxBatchSize,
    long maxQueueDelayMicros) {
  public static ServerOptions defaults() {
    return new ServerOptions("127.0.0.1", 8080, 4, 64, 64L << 20, 1, 2000);
  }

  public ServerOptions withAddress(String h, int p) {
    return new ServerOptions(
        h, p, maxConcurrent, maxQueued, maxBodyBytes, maxBatchSize, maxQueueDelayMicros);
  }

  public ServerOptions withWorkers(int workers) {
    return new ServerOptions(
        host, port, workers, maxQueued, maxBodyBytes, maxBatchSize, maxQueueDelayMicros);
  }

  public ServerOptions withLimits(int concurrent, int queued, long bodyBytes) {
    return new ServerOptions(
        host, port, concurrent, queued, bodyBytes, maxBatchSize, maxQueueDelayMicros);
  }

  /**
   * Dynamic batching: join up to {@code rows} rows, waiting at most {@code delayMicros}; 1 is off.
   */
  public ServerOptions withBatching(int rows, long delayMicros) {
    return new ServerOptions(host, port, maxConcurrent, maxQueued, maxBodyBytes, rows, delayMicros);
  }
}
