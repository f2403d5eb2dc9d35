package io.gpux.server;

import io.gpux.error.GpuxException;
import java.util.List;

/**
 * The server behind {@code gpux serve}: the {@link InferenceService} (models, admission, batching,
 * metrics) answered over HTTP/1.1 by {@link HttpApi} on {@link HttpTransport} (Netty). Routes,
 * limits and timeouts are in docs/serve.md.
 *
 * <p>Overload is answered with 503 and {@code Retry-After} instead of queueing without bound;
 * {@link #close} stops accepting and lets requests in flight finish.
 */
public final class InferenceServer implements AutoCloseable {
  /** How long a model run may go on after the drain deadline before close gives up on it. */
  private static final int RUN_GRACE_SECONDS = 30;

  private final InferenceService service;
  private final HttpTransport http;
  private boolean closed;
  private boolean clean = true;

  private InferenceServer(InferenceService service, HttpTransport http) {
    this.service = service;
    this.http = http;
  }

  public static InferenceServer start(List<ServedModel> served, ServerOptions options) {
    return start(served, options, null);
  }

  /**
   * With a loader, the model-repository extension's load and unload requests are served (explicit
   * model control), and the server may start with no model.
   */
  public static InferenceServer start(
      List<ServedModel> served, ServerOptions options, ModelLoader loader) {
    if (served.isEmpty() && loader == null) {
      throw GpuxException.invalidInput("no model to serve", "gpux serve MODEL [MODEL...]");
    }
    InferenceService service = new InferenceService(served, options, loader);
    HttpTransport http = new HttpTransport(options, new HttpApi(service), service);
    service.warmUpInBackground();
    return new InferenceServer(service, http);
  }

  /** Waits until every model is warmed up; false when the time ran out first. */
  public boolean awaitReady(long timeoutMillis) throws InterruptedException {
    return service.awaitReady(timeoutMillis);
  }

  public int port() {
    return http.port();
  }

  public boolean ready() {
    return service.ready();
  }

  /** Whether this model's requests are batched dynamically. */
  public boolean batching(String model) {
    return service.batching(service.models.get(model));
  }

  /** Stops accepting connections, waits up to 5 s for requests in flight, then stops. */
  @Override
  public void close() {
    close(5);
  }

  /**
   * Stops accepting connections and waits up to {@code drainSeconds} for requests in flight; those
   * still running then get 503. Returns whether every model run has ended, so the models' sessions
   * may be freed (false only when a run outlived the deadline by more than 30 s).
   */
  public synchronized boolean close(int drainSeconds) {
    if (!closed) {
      closed = true;
      clean = http.close(drainSeconds, RUN_GRACE_SECONDS);
    }
    return clean;
  }
}
