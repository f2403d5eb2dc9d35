package io.gpux.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.gpux.error.GpuxException;
import io.gpux.onnx.ElementType;
import io.gpux.tensor.Tensor;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The {@link InferenceService} as a {@link FrontEnd} outside this package sees it: the same models
 * and names, admission, batching, metrics, readiness and model control as the HTTP routes, so a
 * request costs and counts the same whichever protocol brought it. Failures keep the HTTP status
 * and message they have on the HTTP side ({@link #failure}); each protocol maps the status to its
 * own codes.
 */
public final class Backend {
  private final InferenceService service;
  private final ServerOptions options;

  Backend(InferenceService service, ServerOptions options) {
    this.service = service;
    this.options = options;
  }

  /**
   * Tells the server's failed-request log, if one is set ({@link InferenceServer#onFailedRequest}).
   */
  public void failed(FailedRequest request) {
    java.util.function.Consumer<FailedRequest> log = service.failedRequests;
    if (log != null) {
      log.accept(request);
    }
  }

  /** A failure as the HTTP side answers it: its status and the message of its error body. */
  public record Failure(int status, String message) {}

  /** The runs of one admitted request: its tensors, batched with others when the model batches. */
  public interface Run {
    Map<String, Tensor> run(Map<String, Tensor> feeds);
  }

  /**
   * What the HTTP side would answer for this exception (a bad value: 400, an unknown model: 404, a
   * missing capability: 503), or null for a bug (HTTP's 500).
   */
  public static Failure failure(RuntimeException e) {
    HttpError h = e instanceof HttpError he ? he : null;
    if (e instanceof GpuxException g) {
      h = HttpError.of(g);
    }
    return h == null || h.status == 500 ? null : new Failure(h.status, h.getMessage());
  }

  public ServerOptions options() {
    return options;
  }

  public boolean ready() {
    return service.ready();
  }

  public boolean closing() {
    return service.closing();
  }

  /**
   * A served model by the name a client gives (a name with '/' also answers to it with "--", as on
   * HTTP), in {@code version} or, when that is empty, its default version. Unknown: 404.
   */
  public ServedModel model(String name, String version) {
    return version == null || version.isEmpty()
        ? service.models.get(name)
        : service.models.get(name, version);
  }

  public List<ServedModel> models() {
    return service.models.all();
  }

  public List<ServedModel> versions(String name) {
    return service.models.versions(name);
  }

  public boolean batching(ServedModel m) {
    return service.batching(m);
  }

  /**
   * Runs one admitted inference request: leased, counted in metrics and within the compute limit
   * exactly as an HTTP one. {@code call} decodes the request, runs it through the {@link Run} it is
   * given, and builds the answer, for the model it is given: {@code requested}, or the version that
   * replaced it (with {@code --follow}) if it was replaced just before.
   */
  public <T> T infer(ServedModel requested, BiFunction<ServedModel, Run, T> call) {
    return service.infer(
        requested, (m, timing) -> call.apply(m, feeds -> service.run(m, feeds, timing)));
  }

  /** What a request of {@code messageBytes} holds of the memory budget while it is answered. */
  public static long cost(long messageBytes) {
    return Admission.cost(messageBytes);
  }

  /** The largest request whose {@link #cost} fits the budget at all, capped by the body limit. */
  public long largestRequest() {
    long fits = (service.admission.budget() - Admission.OVERHEAD) / Admission.EXPANSION;
    return Math.max(0, Math.min(options.maxBodyBytes(), fits));
  }

  public long budget() {
    return service.admission.budget();
  }

  public int slots() {
    return service.admission.slots();
  }

  /** Holds {@code bytes} of the memory budget, or nothing (false) when that would exceed it. */
  public boolean reserve(long bytes) {
    return service.admission.reserve(bytes);
  }

  public void release(long bytes) {
    service.admission.release(bytes);
  }

  /** One of the slots HTTP and gRPC requests share (computing or waiting to compute). */
  public boolean trySlot() {
    return service.admission.trySlot();
  }

  public void releaseSlot() {
    service.admission.releaseSlot();
  }

  /** Counts a request refused at capacity in /metrics. */
  public void rejected() {
    service.metrics.rejected();
  }

  /** The statistics extension's {@code model_stats} for these models, in Triton's JSON shape. */
  public JsonNode statistics(List<ServedModel> served) {
    return service.statistics(served).get("model_stats");
  }

  /** The repository index: {@code name}, {@code version}, {@code state}, {@code reason}. */
  public JsonNode repositoryIndex() {
    return service.repositoryIndex();
  }

  public void load(String reference) {
    service.load(reference);
  }

  public void unload(String name) {
    service.unload(name);
  }

  /** The protocol's datatype name of an element type (FP32, INT64, BYTES...). */
  public static String datatype(ElementType t) {
    return OpenInference.datatype(t);
  }

  /** The element type of a protocol datatype name, or null for a name it does not define. */
  public static ElementType parseDatatype(String datatype) {
    return OipRequest.parseDatatype(datatype);
  }
}
