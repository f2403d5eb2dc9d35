/**
 * {@code gpux serve}: an HTTP server over the library. It speaks the Python GPUX's own endpoints
 * ({@code /predict}, {@code /health}, {@code /info}) so its clients keep working, the Open
 * Inference Protocol v2 (KServe, Triton) JSON form under {@code /v2}, and Prometheus text under
 * {@code /metrics}. Sessions are thread-safe and shared by all requests.
 */
package io.gpux.server;
