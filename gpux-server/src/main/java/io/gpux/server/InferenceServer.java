package io.gpux.server;

import io.gpux.error.GpuxException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

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
  private final HttpApi api;
  private final HttpTransport http;
  private final ServerOptions options;
  private final List<FrontEnd> frontEnds = new CopyOnWriteArrayList<>();
  private boolean closed;
  private boolean clean = true;

  private InferenceServer(
      InferenceService service, HttpApi api, HttpTransport http, ServerOptions options) {
    this.service = service;
    this.api = api;
    this.http = http;
    this.options = options;
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
    HttpApi api = new HttpApi(service);
    HttpTransport http = new HttpTransport(options, api, service);
    service.warmUpInBackground();
    return new InferenceServer(service, api, http, options);
  }

  /** The metrics requests are counted in (what the monitoring history samples). */
  public io.gpux.metrics.InferenceMetrics metrics() {
    return service.metrics;
  }

  /**
   * Tells {@code log} of every HTTP request answered with an error status from now on (null: off).
   * It runs on the connection's event loop: it must be quick and must not throw.
   */
  public void onFailedRequest(Consumer<FailedRequest> log) {
    service.failedRequests = log;
  }

  /** Serves {@code dashboard} at {@code /dashboard/} from now on (null: off). */
  public void dashboard(io.gpux.monitor.Dashboard dashboard) {
    api.dashboard(dashboard);
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

  /**
   * Serves {@code next} in place of {@code old} (the same name, another version: {@code gpux serve
   * --follow} when the local name moved): warmed up first, then taking the new requests while those
   * on {@code old} finish, then {@code old} handed to {@code free}. Returns once {@code old} is
   * freed (at most about a minute after the switch).
   */
  public void replace(ServedModel old, ServedModel next, Consumer<ServedModel> free) {
    service.replace(old, next, free);
  }

  /**
   * Whether this model can never be batched: an input or output has a fixed first dimension (or no
   * numeric type). False for a model name not served: nothing to say of it.
   */
  public boolean cannotBatch(String model) {
    ServedModel m;
    try {
      m = service.models.get(model);
    } catch (RuntimeException notServed) {
      return false;
    }
    return m != null && !DynamicBatcher.canBatch(m.model());
  }

  /** Whether this model's requests are batched dynamically. */
  public boolean batching(String model) {
    return service.batching(service.models.get(model));
  }

  /**
   * Starts another protocol's front end (gRPC) over this server's models, admission and metrics; it
   * is stopped with the server.
   */
  public synchronized <F extends FrontEnd> F attach(Function<Backend, F> start) {
    if (closed) {
      throw new IllegalStateException("the server is closed");
    }
    F f = start.apply(new Backend(service, options));
    frontEnds.add(f);
    return f;
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
      // Every front end stops taking requests at once and drains against the same deadline;
      // HTTP goes last, since it closes the batchers the others' requests may still wait on.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(drainSeconds);
      service.beginClosing();
      frontEnds.forEach(FrontEnd::shutdown);
      boolean others = true;
      for (FrontEnd f : frontEnds) {
        others &= f.awaitTermination(deadline, TimeUnit.SECONDS.toNanos(RUN_GRACE_SECONDS));
      }
      int left = (int) Math.max(0, TimeUnit.NANOSECONDS.toSeconds(deadline - System.nanoTime()));
      clean = http.close(left, RUN_GRACE_SECONDS) && others;
    }
    return clean;
  }
}
