package io.gpux.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.gpux.GpuxException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The HTTP server behind {@code gpux serve}. Routes:
 *
 * <ul>
 *   <li>Python GPUX: {@code POST /predict}, {@code GET /health}, {@code GET /info} (the first
 *       model, or {@code ?model=NAME}); {@code POST /predict/NAME} for one of several models
 *   <li>Open Inference Protocol v2: {@code /v2}, {@code /v2/health/live|ready}, {@code
 *       /v2/models/M[/versions/V]}, {@code .../ready}, {@code .../infer}
 *   <li>{@code GET /metrics}: Prometheus text (the Python GPUX's JSON form of /metrics was static
 *       provider information, which {@code /info} now carries)
 * </ul>
 *
 * Overload is answered with 503 and {@code Retry-After} instead of queueing without bound; {@link
 * #close} stops accepting and lets requests in flight finish.
 */
public final class InferenceServer implements AutoCloseable {
  private final HttpServer http;
  private final ExecutorService workers;
  private final ModelCatalog models;
  private final ServerOptions options;
  private final Semaphore admission;
  private final Semaphore compute;
  private final ServerMetrics metrics = new ServerMetrics();
  private static final System.Logger LOG = System.getLogger(InferenceServer.class.getName());
  private final AtomicBoolean ready = new AtomicBoolean();
  private volatile boolean closing;
  private final Map<String, DynamicBatcher> batchers = new ConcurrentHashMap<>();
  private final ModelLoader loader;
  private final Map<io.gpux.inference.InferenceModel, Lease> leases = new ConcurrentHashMap<>();
  private final Map<String, String> unloaded = new ConcurrentHashMap<>();

  /**
   * Who is using a loaded model, so an unload waits for the requests running on it before its
   * session is freed. Requests count themselves in before they check {@code retired}; an unload
   * sets {@code retired} before it reads the count: neither can miss the other.
   */
  private static final class Lease {
    private int users;
    private boolean retired;

    /** Takes the model for one request; false once it is retired (being unloaded). */
    synchronized boolean acquire() {
      if (retired) {
        return false;
      }
      users++;
      return true;
    }

    synchronized void release() {
      if (--users == 0) {
        notifyAll();
      }
    }

    /** Refuses new requests, then waits (at most {@code nanos}) for those running to finish. */
    synchronized void retireAndAwait(long nanos) throws InterruptedException {
      retired = true;
      long deadline = System.nanoTime() + nanos;
      for (long left = nanos; users > 0 && left > 0; left = deadline - System.nanoTime()) {
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
    }
  }

  private InferenceServer(
      HttpServer http,
      ExecutorService workers,
      List<ServedModel> served,
      ServerOptions options,
      ModelLoader loader) {
    this.http = http;
    this.workers = workers;
    this.options = options;
    this.loader = loader;
    this.admission = new Semaphore(options.maxConcurrent() + options.maxQueued());
    this.compute = new Semaphore(options.maxConcurrent(), true);
    this.models = new ModelCatalog(served);
    served.forEach(this::attach);
  }

  /** Metrics, a lease and (when it can batch) a dynamic batcher for a model being served. */
  private void attach(ServedModel m) {
    metrics.register(m);
    leases.computeIfAbsent(m.model(), k -> new Lease());
    if (options.maxBatchSize() > 1 && DynamicBatcher.canBatch(m.model())) {
      DynamicBatcher old =
          batchers.put(
              ModelCatalog.key(m),
              new DynamicBatcher(
                  m.model(),
                  options.maxBatchSize(),
                  options.maxQueueDelayMicros() * 1000,
                  rows -> metrics.batched(m, rows)));
      if (old != null) {
        old.close();
      }
    }
  }

  static {
    // The JDK server writes a response's headers and body in separate segments; with Nagle's
    // algorithm on, the body waits for the client's delayed ACK: 40 ms a request on Linux.
    // ServerConfig reads this once, so it is set before the first server is created.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
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
    try {
      HttpServer http =
          HttpServer.create(new InetSocketAddress(options.host(), options.port()), 128);
      // A thread per connection, so an over-capacity request is refused at once (503) rather than
      // queued out of sight; the compute semaphore bounds how many run the model together.
      ExecutorService workers =
          Executors.newCachedThreadPool(
              r -> {
                Thread t = new Thread(r, "gpux-serve");
                t.setDaemon(true);
                return t;
              });
      InferenceServer server = new InferenceServer(http, workers, served, options, loader);
      http.createContext("/", server::handle);
      http.setExecutor(workers);
      http.start();
      server.warmUpInBackground();
      return server;
    } catch (IOException e) {
      throw GpuxException.unavailable(
          "cannot listen on " + options.host() + ":" + options.port() + ": " + e.getMessage(),
          "choose another --port, or stop what uses this one");
    }
  }

  /**
   * Runs each model once with zeros, then turns ready. Until then /v2/health/live answers and
   * /v2/health/ready says 503, so an orchestrator sends no traffic to a cold server.
   */
  private void warmUpInBackground() {
    Thread t =
        new Thread(
            () -> {
              models.all().forEach(this::warmUp);
              ready.set(!closing);
              synchronized (ready) {
                ready.notifyAll();
              }
            },
            "gpux-warmup");
    t.setDaemon(true);
    t.start();
  }

  private void warmUp(ServedModel m) {
    long t0 = System.nanoTime();
    String failed = Warmup.run(m.model());
    metrics.warmedUp(m, System.nanoTime() - t0, failed == null);
    if (failed != null) {
      LOG.log(
          System.Logger.Level.WARNING,
          "warm-up of " + m.name() + " with zeros failed (" + failed + "); serving it");
    }
  }

  /** Waits until every model is warmed up; false when the time ran out first. */
  public boolean awaitReady(long timeoutMillis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    synchronized (ready) {
      while (!ready.get() && !closing) {
        long left = deadline - System.currentTimeMillis();
        if (left <= 0) {
          return false;
        }
        ready.wait(left);
      }
    }
    return ready.get();
  }

  public int port() {
    return http.getAddress().getPort();
  }

  public boolean ready() {
    return ready.get();
  }

  private void handle(HttpExchange x) throws IOException {
    if (!admission.tryAcquire()) {
      metrics.rejected();
      x.getResponseHeaders().set("Retry-After", "1");
      Exchange.error(
          x,
          503,
          "the server is at capacity ("
              + (options.maxConcurrent() + options.maxQueued())
              + " requests); retry shortly");
      x.close();
      return;
    }
    try {
      route(x);
    } catch (HttpError e) {
      Exchange.error(x, e.status, e.getMessage());
    } catch (GpuxException e) {
      HttpError h = HttpError.of(e);
      Exchange.error(x, h.status, h.getMessage());
    } catch (RuntimeException e) {
      Exchange.error(x, 500, "internal error: " + e);
    } finally {
      admission.release();
      x.close();
    }
  }

  private void route(HttpExchange x) throws IOException {
    String path = x.getRequestURI().getPath();
    String method = x.getRequestMethod();
    String[] p = path.replaceAll("/+$", "").split("/");
    if (path.equals("/health")) {
      ServedModel m = first(x);
      Exchange.json(x, 200, Map.of("status", "healthy", "model", m.name()));
    } else if (path.equals("/info")) {
      Exchange.json(x, 200, info(first(x)));
    } else if (path.equals("/metrics")) {
      Exchange.text(x, 200, "text/plain; version=0.0.4", metrics.render());
    } else if (path.equals("/predict") || path.startsWith("/predict/")) {
      requirePost(method);
      ServedModel m = path.equals("/predict") ? first(x) : predictTarget(p);
      JsonNode body = Exchange.readJson(x, options.maxBodyBytes());
      Exchange.json(
          x, 200, timed(m, t -> m.model().label(run(m, m.model().toTensors(body), t)).toJson()));
    } else if (path.equals("/v2")) {
      ObjectNode o =
          Exchange.MAPPER
              .createObjectNode()
              .put("name", "gpux")
              .put("version", io.gpux.Gpux.version());
      o.putArray("extensions").add("binary_tensor_data").add("statistics").add("model_repository");
      Exchange.json(x, 200, o);
    } else if (path.equals("/v2/models/stats")) {
      Exchange.json(x, 200, statistics(models.all()));
    } else if (path.equals("/v2/repository/index")) {
      requirePost(method);
      Exchange.json(x, 200, repositoryIndex());
    } else if (path.startsWith("/v2/repository/models/")) {
      requirePost(method);
      modelControl(x);
    } else if (path.equals("/v2/health/live")) {
      Exchange.json(x, 200, Map.of("live", true));
    } else if (path.equals("/v2/health/ready")) {
      Exchange.json(x, ready.get() ? 200 : 503, Map.of("ready", ready.get()));
    } else if (p.length >= 4 && p[1].equals("v2") && p[2].equals("models")) {
      v2Model(x, p);
    } else {
      throw new HttpError(404, "no route " + method + " " + path + "; see /v2 or POST /predict");
    }
  }

  /**
   * POST /v2/repository/models/NAME/load|unload: explicit model control. NAME may be a path or a
   * reference, percent-encoded, so the raw path is split.
   */
  private void modelControl(HttpExchange x) throws IOException {
    String raw = x.getRequestURI().getRawPath().replaceAll("/+$", "");
    String prefix = "/v2/repository/models/";
    int slash = raw.lastIndexOf('/');
    String action = raw.substring(slash + 1);
    if (slash <= prefix.length() || !(action.equals("load") || action.equals("unload"))) {
      throw new HttpError(404, "use POST /v2/repository/models/NAME/load or .../unload");
    }
    // NAME is everything in between: clients such as tritonclient leave a '/' in it unencoded.
    String[] p = {"", "v2", "repository", "models", raw.substring(prefix.length(), slash), action};
    if (loader == null) {
      throw new HttpError(
          400,
          "explicit model "
              + p[5]
              + " is not allowed: gpux serve keeps the models it started with (Triton's 'none'"
              + " model-control mode); restart it with --model-control explicit, or with the"
              + " models to serve");
    }
    String name = java.net.URLDecoder.decode(p[4], java.nio.charset.StandardCharsets.UTF_8);
    if (p[5].equals("load")) {
      load(name);
    } else {
      unload(name);
    }
    Exchange.json(x, 200, Exchange.MAPPER.createObjectNode());
  }

  /** /v2/models/M[/versions/V][/ready|/infer]. */
  private void v2Model(HttpExchange x, String[] p) throws IOException {
    ServedModel m = models.get(p[3]);
    int i = 4;
    if (p.length > i + 1 && p[i].equals("versions")) {
      m = models.get(p[3], p[i + 1]);
      i += 2;
    }
    String action = p.length > i ? p[i] : "";
    switch (action) {
      case "" -> Exchange.json(x, 200, OpenInference.metadata(m));
      case "stats" -> Exchange.json(x, 200, statistics(List.of(m)));
      case "ready" ->
          Exchange.json(x, ready.get() ? 200 : 503, Map.of("name", m.name(), "ready", ready.get()));
      case "infer" -> {
        requirePost(x.getRequestMethod());
        infer(x, m);
      }
      default -> throw new HttpError(404, "no route " + String.join("/", p));
    }
  }

  /**
   * An Open Inference Protocol request, JSON or with the binary tensor extension (then the body is
   * a JSON header of {@code Inference-Header-Content-Length} bytes followed by raw tensors).
   */
  private void infer(HttpExchange x, ServedModel m) throws IOException {
    String headerLength = x.getRequestHeaders().getFirst("Inference-Header-Content-Length");
    if (headerLength == null) {
      JsonNode body = Exchange.readJson(x, options.maxBodyBytes());
      ObjectNode request = OpenInference.toLibraryRequest(body, null, 0);
      String id = body.path("id").asText(null);
      Exchange.json(
          x,
          200,
          timed(
              m,
              t -> OpenInference.response(m, id, run(m, m.model().toTensors(request), t), body)));
      return;
    }
    byte[] raw = Exchange.readBytes(x, options.maxBodyBytes());
    int jsonLength;
    try {
      jsonLength = Integer.parseInt(headerLength.trim());
    } catch (NumberFormatException e) {
      throw new HttpError(400, "Inference-Header-Content-Length is not a number: " + headerLength);
    }
    if (jsonLength < 0 || jsonLength > raw.length) {
      throw new HttpError(
          400,
          "Inference-Header-Content-Length "
              + jsonLength
              + " exceeds the body ("
              + raw.length
              + " bytes)");
    }
    JsonNode body = Exchange.parse(java.util.Arrays.copyOf(raw, jsonLength));
    java.util.Map<String, io.gpux.tensor.Tensor> binary = new java.util.LinkedHashMap<>();
    ObjectNode request =
        OpenInference.toLibraryRequest(
            body,
            (name, in, offset, size) -> {
              io.gpux.onnx.ElementType type = BinaryTensors.type(in.path("datatype").asText());
              if (type == io.gpux.onnx.ElementType.STRING) {
                return BinaryTensors.strings(name, raw, offset, size);
              }
              binary.put(
                  name,
                  BinaryTensors.numeric(
                      name, type, BinaryTensors.shape(in.path("shape")), raw, offset, size));
              return null;
            },
            jsonLength);
    String id = body.path("id").asText(null);
    OpenInference.Reply reply =
        timed(
            m,
            t -> {
              java.util.Map<String, io.gpux.tensor.Tensor> feeds =
                  new java.util.LinkedHashMap<>(
                      request.isEmpty() ? java.util.Map.of() : m.model().toTensors(request));
              for (var e : binary.entrySet()) {
                feeds.put(e.getKey(), OpenInference.conform(m, e.getKey(), e.getValue()));
              }
              return OpenInference.binaryResponse(m, id, run(m, feeds, t), body);
            });
    x.getResponseHeaders()
        .set("Inference-Header-Content-Length", Integer.toString(reply.jsonLength()));
    Exchange.bytes(
        x,
        200,
        reply.jsonLength() == reply.body().length ? "application/json" : "application/octet-stream",
        reply.body());
  }

  /** Whether this model's requests are batched dynamically. */
  public boolean batching(String model) {
    return batchers.containsKey(ModelCatalog.key(models.get(model)));
  }

  private Map<String, io.gpux.tensor.Tensor> run(
      ServedModel m, Map<String, io.gpux.tensor.Tensor> feeds, RequestTiming timing) {
    DynamicBatcher b = batchers.get(ModelCatalog.key(m));
    if (b != null) {
      return b.run(feeds, timing);
    }
    timing.runStarted();
    try {
      return m.model().run(feeds);
    } finally {
      timing.runEnded();
    }
  }

  private <T> T timed(ServedModel m, java.util.function.Function<RequestTiming, T> call) {
    Lease lease = leases.get(m.model());
    if (lease == null) {
      throw new HttpError(404, "model " + m.name() + " was just unloaded");
    }
    if (!lease.acquire()) {
      throw new HttpError(404, "model " + m.name() + " was just unloaded");
    }
    try {
      return timedLeased(m, call);
    } finally {
      lease.release();
    }
  }

  private <T> T timedLeased(ServedModel m, java.util.function.Function<RequestTiming, T> call) {
    RequestTiming timing = new RequestTiming();
    metrics.started(m);
    boolean ok = false;
    // A batched model's runs are serialised by its batcher; holding a compute permit while
    // waiting to be batched would cap the batch at the number of permits.
    boolean limited = !batchers.containsKey(ModelCatalog.key(m));
    if (limited) {
      compute.acquireUninterruptibly();
    }
    try {
      T result = call.apply(timing);
      ok = true;
      return result;
    } finally {
      if (limited) {
        compute.release();
      }
      metrics.finished(m, timing, ok);
    }
  }

  /**
   * Loads a model (or loads it again: the new one takes the requests, the old one is freed once its
   * requests finish), warmed up before it takes any request.
   */
  private synchronized void load(String reference) {
    ServedModel m;
    try {
      m = loader.load(reference);
    } catch (GpuxException e) {
      throw new HttpError(400, "cannot load " + reference + ": " + e.getMessage());
    }
    warmUp(m);
    attach(m);
    ServedModel old = models.put(m);
    unloaded.remove(m.name());
    if (old != null && old.model() != m.model()) {
      retire(old);
    }
  }

  private synchronized void unload(String name) {
    List<ServedModel> removed = models.remove(name);
    if (removed.isEmpty()) {
      throw new HttpError(404, "no model named '" + name + "' is loaded");
    }
    removed.forEach(this::retire);
    unloaded.put(name, "unloaded");
  }

  /** Waits for the requests running on a model that was taken out, then frees it. */
  private void retire(ServedModel m) {
    try {
      leases.get(m.model()).retireAndAwait(TimeUnit.SECONDS.toNanos(60));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    DynamicBatcher b = batchers.remove(ModelCatalog.key(m));
    if (b != null) {
      b.close();
    }
    leases.remove(m.model());
    loader.unload(m);
  }

  /** GET /v2/models[/M[/versions/V]]/stats: the statistics extension, in Triton's shape. */
  private ObjectNode statistics(java.util.Collection<ServedModel> served) {
    ObjectNode o = Exchange.MAPPER.createObjectNode();
    var list = o.putArray("model_stats");
    served.forEach(m -> list.add(metrics.statistics(m)));
    return o;
  }

  /** POST /v2/repository/index: every model with its state (READY once warmed up). */
  private com.fasterxml.jackson.databind.node.ArrayNode repositoryIndex() {
    var list = Exchange.MAPPER.createArrayNode();
    for (ServedModel m : models.all()) {
      list.addObject()
          .put("name", m.name())
          .put("version", m.version())
          .put("state", ready.get() ? "READY" : "LOADING")
          .put("reason", "");
    }
    unloaded.forEach(
        (name, why) ->
            list.addObject().put("name", name).put("state", "UNAVAILABLE").put("reason", why));
    return list;
  }

  private ObjectNode info(ServedModel m) {
    ObjectNode o = Exchange.MAPPER.createObjectNode();
    o.put("name", m.name());
    o.put("version", m.version());
    o.put("format", "onnx");
    o.put("provider", m.model().provider().chosen().ortName());
    var inputs = o.putArray("inputs");
    m.model().inputs().forEach(s -> io.gpux.tensor.JsonTensors.signature(inputs, s));
    var outputs = o.putArray("outputs");
    m.model()
        .outputs()
        .forEach(
            s -> {
              ObjectNode t = io.gpux.tensor.JsonTensors.signature(outputs, s);
              m.model().project().config().outputs().stream()
                  .filter(d -> d.name().equals(s.name()) && d.labels() != null)
                  .findFirst()
                  .ifPresent(d -> d.labels().forEach(t.putArray("labels")::add));
            });
    return o;
  }

  private ServedModel first(HttpExchange x) {
    String q = x.getRequestURI().getQuery();
    if (q != null && q.startsWith("model=")) {
      return models.get(q.substring("model=".length()));
    }
    return models.first();
  }

  /** /predict/NAME or /predict/NAME/versions/V. */
  private ServedModel predictTarget(String[] p) {
    if (p.length == 3) {
      return models.get(p[2]);
    }
    if (p.length == 5 && p[3].equals("versions")) {
      return models.get(p[2], p[4]);
    }
    throw new HttpError(404, "use POST /predict/NAME or /predict/NAME/versions/V");
  }

  private static void requirePost(String method) {
    if (!method.equals("POST")) {
      throw new HttpError(405, "use POST");
    }
  }

  /** Stops accepting connections, waits up to 5 s for requests in flight, then stops. */
  @Override
  public void close() {
    close(5);
  }

  /** Stops accepting connections and waits up to {@code drainSeconds} for requests in flight. */
  public void close(int drainSeconds) {
    closing = true;
    ready.set(false);
    http.stop(drainSeconds);
    batchers.values().forEach(DynamicBatcher::close);
    workers.shutdown();
    try {
      workers.awaitTermination(drainSeconds, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
