package io.gpux.batch;

import io.gpux.error.GpuxException;

/**
 * How a batch pull runs.
 *
 * @param jobs models in flight at once. The default, 8, is the transport's connection limit per
 *     host ({@link io.gpux.transfer.HttpTransport#PER_HOST_CONNECTIONS}): most models are one to
 *     three files, so fewer models leave connections idle, and more only queue on that limit (the
 *     next models' metadata is fetched ahead anyway)
 * @param failFast start no model after the first failure
 */
public record BatchPullOptions(int jobs, boolean failFast) {
  /** The most models in flight: each holds a thread, and the hosts' limits cap the sockets. */
  public static final int MAX_JOBS = 64;

  public static final int DEFAULT_JOBS = 8;

  public BatchPullOptions {
    if (jobs < 1 || jobs > MAX_JOBS) {
      throw GpuxException.invalidInput(
          "--jobs must be between 1 and " + MAX_JOBS + ", got " + jobs,
          "e.g. --jobs " + DEFAULT_JOBS + " (the default)");
    }
  }

  public static BatchPullOptions defaults() {
    return new BatchPullOptions(DEFAULT_JOBS, false);
  }
}
