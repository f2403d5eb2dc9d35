package io.gpux.server;

/**
 * A listener for another protocol over the same {@link InferenceService} as HTTP (the Open
 * Inference Protocol over gRPC, {@code io.gpux.server.grpc}), started with {@link
 * InferenceServer#attach} and stopped with the server: both stop taking requests at once and drain
 * against one deadline, and the models' sessions are freed only after every front end's runs ended.
 */
public interface FrontEnd {
  /** Stops accepting calls; those already admitted go on. Returns at once. */
  void shutdown();

  /**
   * Waits for the calls in flight until {@code deadlineNanos} ({@link System#nanoTime}), then
   * cancels those left and waits up to {@code graceNanos} more for their model runs to end.
   *
   * @return whether every model run ended
   */
  boolean awaitTermination(long deadlineNanos, long graceNanos);
}
