package io.gpux.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gpux.error.GpuxException;
import io.gpux.inference.InferenceModel;
import io.gpux.metrics.InferenceMetrics;
import io.gpux.metrics.ModelMetrics;
import io.gpux.tensor.Tensor;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * What the server does, whatever protocol asked: the models served and their leases, dynamic
 * batching, the compute limit, metrics, warm-up and readiness, explicit model control. The HTTP
 * front end ({@link HttpApi} over {@link HttpTransport}) decodes requests into tensors and calls
 * this; a gRPC front end would call the same methods.
 */
final class InferenceService {
  private static final System.Logger LOG = System.getLogger(InferenceService.class.getName());

  /** Told of each HTTP request answered with an error status (InferenceServer.onFailedRequest). */
  volatile java.util.function.Consumer<FailedRequest> failedRequests;

  final ModelCatalog models;
  final InferenceMetrics metrics = new InferenceMetrics();
  final Admission admission;
  private final ServerOptions options;
  private final Semaphore compute;
  private final ModelLoader loader;
  private final AtomicBoolean ready = new AtomicBoolean();
  private volatile boolean closing;
  private final Map<String, DynamicBatcher> batchers = new ConcurrentHashMap<>();
  private final Map<InferenceModel, Lease> leases = new ConcurrentHashMap<>();
  private final Map<String, String> unloaded = new ConcurrentHashMap<>();

  /** What took a replaced model's place, for the requests that found it just before. */
  private final Map<InferenceModel, ServedModel> successors = new ConcurrentHashMap<>();

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

  InferenceService(List<ServedModel> served, ServerOptions options, ModelLoader loader) {
    this.options = options;
    this.loader = loader;
    this.admission =
        new Admission(options.memoryBudgetBytes(), options.maxConcurrent() + options.maxQueued());
    this.compute = new Semaphore(options.maxConcurrent(), true);
    this.models = new ModelCatalog(served);
    served.forEach(this::attach);
  }

  boolean explicitControl() {
    return loader != null;
  }

  /** Metrics, a lease and (when it can batch) a dynamic batcher for a model being served. */
  private void attach(ServedModel m) {
    ModelMetrics counted = metrics(m);
    counted.loaded(m.model().provider().chosen().ortName(), m.loadSeconds());
    leases.computeIfAbsent(m.model(), k -> new Lease());
    if (options.maxBatchSize() > 1 && DynamicBatcher.canBatch(m.model())) {
      DynamicBatcher old =
          batchers.put(
              ModelCatalog.key(m),
              new DynamicBatcher(m.model(), options.batching(), counted::batched));
      if (old != null) {
        old.close();
      }
    }
  }

  /**
   * Runs each model once with zeros, then turns ready. Until then /v2/health/live answers and
   * /v2/health/ready says 503, so an orchestrator sends no traffic to a cold server.
   */
  void warmUpInBackground() {
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
    metrics(m).warmedUp(System.nanoTime() - t0, failed == null);
    if (failed != null) {
      LOG.log(
          System.Logger.Level.WARNING,
          "warm-up of " + m.name() + " with zeros failed (" + failed + "); serving it");
    }
  }

  boolean awaitReady(long timeoutMillis) throws InterruptedException {
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

  boolean ready() {
    return ready.get();
  }

  boolean closing() {
    return closing;
  }

  /** Turns not ready and refuses new inference from now on. */
  void beginClosing() {
    closing = true;
    ready.set(false);
    synchronized (ready) {
      ready.notifyAll();
    }
  }

  boolean batching(ServedModel m) {
    return batchers.containsKey(ModelCatalog.key(m));
  }

  /**
   * Runs one inference request on a model: {@code call} decodes the request into tensors, calls
   * {@link #run} and builds the answer, with the model leased (so an unload waits for it), counted
   * in metrics, and within the compute limit unless the model batches.
   */
  <T> T infer(ServedModel requested, BiFunction<ServedModel, RequestTiming, T> call) {
    ServedModel m = requested;
    Lease lease = leases.get(m.model());
    while (lease == null || !lease.acquire()) {
      // Replaced meanwhile (--follow, or a load of the same name): the request found the old
      // version just before the switch, so it goes to the one that took its place; only a model
      // unloaded for good answers 404. No request is lost to a switch.
      ServedModel next = successors.get(m.model());
      if (next == null) {
        throw new HttpError(404, "model " + m.name() + " was just unloaded");
      }
      m = next;
      lease = leases.get(m.model());
    }
    try {
      RequestTiming timing = new RequestTiming();
      ModelMetrics counted = metrics(m);
      counted.started();
      boolean ok = false;
      // A batched model's runs are serialised by its batcher; holding a compute permit while
      // waiting to be batched would cap the batch at the number of permits.
      boolean limited = !batching(m);
      if (limited) {
        compute.acquireUninterruptibly();
      }
      try {
        T result = call.apply(m, timing);
        ok = true;
        return result;
      } catch (RuntimeException e) {
        counted.failed(errorKind(e));
        throw e;
      } finally {
        if (limited) {
          compute.release();
        }
        counted.finished(
            ok,
            timing.rows(),
            System.nanoTime() - timing.received,
            timing.queueNanos(),
            timing.computeNanos());
      }
    } finally {
      lease.release();
    }
  }

  /** What the monitoring history and its error-spike insight tell apart. */
  static ModelMetrics.ErrorKind errorKind(RuntimeException e) {
    int status = e instanceof HttpError h ? h.status : 500;
    if (e instanceof GpuxException g) {
      status = HttpError.of(g).status;
    }
    if (status == 503 || status == 408 || status == 429) {
      return ModelMetrics.ErrorKind.OVERLOAD;
    }
    return status >= 400 && status < 500
        ? ModelMetrics.ErrorKind.BAD_INPUT
        : ModelMetrics.ErrorKind.MODEL;
  }

  /** The model run itself: batched with other requests when the model batches. */
  Map<String, Tensor> run(ServedModel m, Map<String, Tensor> feeds, RequestTiming timing) {
    timing.rows(rows(m, feeds));
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

  /**
   * Rows of a request: dimension 0 of its first input when the model's first dimension is dynamic
   * (a batch), else 1.
   */
  private static long rows(ServedModel m, Map<String, Tensor> feeds) {
    for (var s : m.model().inputs()) {
      Tensor t = feeds.get(s.name());
      if (t != null && s.shape() != null && !s.shape().isEmpty() && s.shape().get(0) < 0) {
        return t.rank() == 0 ? 1 : t.shape()[0];
      }
    }
    return 1;
  }

  /**
   * Loads a model (or loads it again: the new one takes the requests, the old one is freed once its
   * requests finish), warmed up before it takes any request.
   */
  synchronized void load(String reference) {
    if (loader == null) {
      throw notExplicit("load");
    }
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

  /**
   * Serves {@code next} in place of {@code old} (the same name, another version), as Triton swaps
   * versions: {@code next} is warmed up before it takes a request; then new requests go to it,
   * those running on {@code old} finish there, and {@code old} is freed by {@code free} once the
   * last has ended (waiting up to 60 s, as an unload does). Requests that found {@code old} just
   * before the switch are answered by {@code next}: none fails for the switch.
   */
  synchronized void replace(ServedModel old, ServedModel next, Consumer<ServedModel> free) {
    if (!old.name().equals(next.name())) {
      throw new IllegalArgumentException(next.name() + " cannot replace " + old.name());
    }
    warmUp(next);
    attach(next);
    models.put(next);
    if (!old.version().equals(next.version())) {
      models.remove(old.name(), old.version());
    }
    if (old.model() != next.model()) {
      successors.put(old.model(), next);
      retire(old, free);
    }
  }

  synchronized void unload(String name) {
    if (loader == null) {
      throw notExplicit("unload");
    }
    String canonical = models.canonical(name);
    List<ServedModel> removed = models.remove(canonical == null ? name : canonical);
    if (removed.isEmpty()) {
      throw new HttpError(404, "no model named '" + name + "' is loaded");
    }
    removed.forEach(this::retire);
    unloaded.put(removed.get(0).name(), "unloaded");
  }

  private static HttpError notExplicit(String what) {
    return new HttpError(
        400,
        "explicit model "
            + what
            + " is not allowed: gpux serve keeps the models it started with (Triton's 'none'"
            + " model-control mode); restart it with --model-control explicit, or with the"
            + " models to serve");
  }

  /** Waits for the requests running on a model that was taken out, then frees it. */
  private void retire(ServedModel m) {
    retire(m, loader::unload);
  }

  private void retire(ServedModel m, Consumer<ServedModel> free) {
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
    free.accept(m);
  }

  /** The statistics extension, in Triton's shape. */
  ObjectNode statistics(Collection<ServedModel> served) {
    ObjectNode o = Exchange.MAPPER.createObjectNode();
    var list = o.putArray("model_stats");
    served.forEach(m -> list.add(TritonStatistics.json(metrics(m).statistics())));
    return o;
  }

  private ModelMetrics metrics(ServedModel m) {
    return metrics.model(m.name(), m.version());
  }

  /** Every model with its state (READY once warmed up), and those unloaded. */
  ArrayNode repositoryIndex() {
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

  /** The Python GPUX's /info: the model's signature, provider and labels. */
  ObjectNode info(ServedModel m) {
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

  /** Stops the batchers; models stay loaded (their owner frees them). */
  void close() {
    beginClosing();
    batchers.values().forEach(DynamicBatcher::close);
  }
}
