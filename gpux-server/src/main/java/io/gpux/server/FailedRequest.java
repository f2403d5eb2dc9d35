package io.gpux.server;

/**
 * A request the HTTP front end answered with an error status, for the server's log: {@link
 * InferenceServer#onFailedRequest}. Successful requests are not reported: {@code /metrics} counts
 * them, and a line per request would cost more than the smallest models' inference.
 *
 * @param method the HTTP method
 * @param path the path as sent (still percent-encoded), without the query
 * @param model the model the path names ({@code /v2/models/NAME/...}, {@code /predict/NAME}, {@code
 *     /v2/repository/models/NAME/...}, {@code /health?model=}), as sent; null when none
 * @param status the HTTP status answered, 400 or more
 * @param error the {@code error} message the client got
 * @param requestId the request's {@code X-Request-Id} header (set by proxies and ingresses), or
 *     null
 * @param durationNanos from the request's headers arriving to its answer being written
 */
public record FailedRequest(
    String method,
    String path,
    String model,
    int status,
    String error,
    String requestId,
    long durationNanos) {}
