/**
 * {@code gpux serve}: an inference server over the library. It speaks the Python GPUX's own
 * endpoints ({@code /predict}, {@code /health}, {@code /info}) so its clients keep working, the
 * Open Inference Protocol v2 (KServe, Triton) under {@code /v2}, and Prometheus text under {@code
 * /metrics}. Sessions are thread-safe and shared by all requests.
 *
 * <p>Three layers: {@code InferenceService} is what the server does whatever the protocol (models,
 * leases, admission, batching, metrics); {@code HttpApi} maps HTTP requests onto it, with {@code
 * OipRequest}/{@code PredictRequest} decoding bodies into tensors in a streaming pass; {@code
 * HttpTransport}/{@code HttpConnection} read and write the bytes on Netty, with the timeouts,
 * connection limit and memory budget. {@link io.gpux.server.InferenceServer} wires them together
 * and {@link io.gpux.server.StopSignals} drains it on SIGTERM.
 */
package io.gpux.server;
