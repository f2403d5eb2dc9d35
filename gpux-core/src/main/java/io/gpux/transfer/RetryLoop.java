package io.gpux.transfer;

import java.net.http.HttpHeaders;

/**
 * The one chain of retries every request goes through: API calls ({@link HttpTransport#send}),
 * whole-file downloads and each byte range of a parted one. An attempt that can be tried again
 * throws {@link Again}; the loop waits what the {@link RetryPolicy} says (the server's {@code
 * Retry-After} or rate-limit reset when it sent one, else exponential backoff), and gives up after
 * {@link RetryPolicy#maxAttempts} attempts in a row that made no progress. A wait the server asked
 * for holds back every request to that host, not only this one.
 */
final class RetryLoop {
  /** An attempt that failed in a way that may pass: a dropped connection, a stall, a 503. */
  static final class Again extends Exception {
    private static final long serialVersionUID = 1L;
    final transient HttpHeaders headers;
    final long progressed;

    /**
     * @param headers the response's headers when there was one (for {@code Retry-After}), or null
     * @param progressed bytes this attempt added: an attempt that made progress starts the count of
     *     failures again, so a large file on a flaky link is not given up while it advances
     */
    Again(String why, HttpHeaders headers, long progressed) {
      this(why, headers, progressed, null);
    }

    /** With the failure behind it, which the final error keeps (registries read its causes). */
    Again(String why, HttpHeaders headers, long progressed, Throwable cause) {
      super(why, cause, false, false);
      this.headers = headers;
      this.progressed = progressed;
    }
  }

  /** One attempt; {@code attempt} counts from 1. */
  @FunctionalInterface
  interface Attempt<T> {
    T run(int attempt) throws Again;
  }

  /** Told before each wait. */
  @FunctionalInterface
  interface OnRetry {
    void retrying(int attempt, String why, long delayMillis);
  }

  /**
   * What to do when an attempt failed {@code attempts} times in a row: throw the error, or return
   * what to answer anyway (the last response, say).
   */
  @FunctionalInterface
  interface GiveUp<T> {
    T after(int attempts, Again last);
  }

  private RetryLoop() {}

  static <T> T run(
      HttpTransport http, String host, Attempt<T> attempt, OnRetry onRetry, GiveUp<T> giveUp) {
    RetryPolicy policy = http.retryPolicy();
    int failures = 0;
    for (int n = 1; ; n++) {
      try {
        return attempt.run(n);
      } catch (Again again) {
        failures = again.progressed > 0 ? 1 : failures + 1;
        if (failures >= policy.maxAttempts()) {
          return giveUp.after(failures, again);
        }
        long delay = policy.delayMillis(failures, again.headers);
        onRetry.retrying(failures, again.getMessage(), delay);
        // Every request to the host waits too when the server asked for it (see RateLimits).
        http.waitToRetry(host, delay, again.headers != null);
      }
    }
  }
}
