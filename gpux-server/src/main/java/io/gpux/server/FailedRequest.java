package io.gpux.server;

/**
 * A request answered with an error (an HTTP error status, or a gRPC call closed with a status other
 * than OK), for the server's log: {@link InferenceServer#onFailedRequest}. Successful requests are
 * not reported: {@code /metrics} counts them, and a line per request would cost more than the
 * smallest models' inference.
 *
 * @param method the HTTP method ({@code POST} for gRPC, whose calls are HTTP/2 POSTs)
 * @param path the path as sent (still percent-encoded), without the query; a gRPC call's is its
 *     method's, {@code /inference.GRPCInferenceService/ModelInfer}
 * @param model the model the path names ({@code /v2/models/NAME/...}, {@code /predict/NAME}, {@code
 *     /v2/repository/models/NAME/...}, {@code /health?model=}), as sent; null when none
 * @param status the HTTP status answered, 400 or more; for gRPC the HTTP status its code stands for
 *     (INVALID_ARGUMENT 400, NOT_FOUND 404, RESOURCE_EXHAUSTED 429, UNAVAILABLE 503...)
 * @param error the {@code error} message the client got
 * @param requestId the request's {@code X-Request-Id} header (set by proxies and ingresses), or
 *     null
 * @param durationNanos from the request's headers arriving to its answer being written
 * @param grpcCode the gRPC status code's name, or null for HTTP
 */
public record FailedRequest(
    String method,
    String path,
    String model,
    int status,
    String error,
    String requestId,
    long durationNanos,
    String grpcCode) {}
