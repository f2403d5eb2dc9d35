package io.gpux.server;

/**
 * How the server runs.
 *
 * @param maxConcurrent requests answered at once; more wait in line up to {@code maxQueued}
 * @param maxQueued requests waiting; beyond that the answer is 503 with {@code Retry-After}
 * @param maxBodyBytes larger request bodies get 413
 */
public record ServerOptions(
    String host, int port, int maxConcurrent, int maxQueued, long maxBodyBytes) {
  public static ServerOptions defaults() {
    return new ServerOptions("127.0.0.1", 8080, 4, 64, 64L << 20);
  }

  public ServerOptions withAddress(String h, int p) {
    return new ServerOptions(h, p, maxConcurrent, maxQueued, maxBodyBytes);
  }

  public ServerOptions withWorkers(int workers) {
    return new ServerOptions(host, port, workers, maxQueued, maxBodyBytes);
  }
}
