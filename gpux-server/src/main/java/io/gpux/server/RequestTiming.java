package io.gpux.server;

/**
 * When one inference request arrived, began running and finished running. Queue time is until its
 * model run began: waiting for a compute slot, or for a dynamic batch to form and run; compute time
 * is the model run (a whole batch's run, for a batched request).
 */
final class RequestTiming {
  final long received = System.nanoTime();
  private volatile long runStarted;
  private volatile long runEnded;
  private volatile long rows = 1;

  /** The inferences this request stands for: the rows of its batch (Triton's count). */
  void rows(long n) {
    rows = n;
  }

  long rows() {
    return rows;
  }

  void runStarted() {
    runStarted = System.nanoTime();
  }

  void runEnded() {
    runEnded = System.nanoTime();
  }

  /** Nanoseconds spent waiting before the run, or -1 when the request never ran. */
  long queueNanos() {
    return runStarted == 0 ? -1 : runStarted - received;
  }

  /** Nanoseconds of the model run, or -1 when it did not finish. */
  long computeNanos() {
    return runStarted == 0 || runEnded == 0 ? -1 : runEnded - runStarted;
  }
}
