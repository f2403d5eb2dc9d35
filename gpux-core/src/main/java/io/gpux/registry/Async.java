package io.gpux.registry;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Independent round trips (a registry's metadata calls, opening the store) started side by side.
 * They run on their own daemon threads, not the common fork-join pool: that pool has one thread on
 * a 2-core machine, which would queue blocking calls one behind the other.
 */
public final class Async {
  private static final ExecutorService THREADS =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "gpux-async");
            t.setDaemon(true);
            return t;
          });

  private Async() {}

  /** Starts {@code work} now, on another thread. */
  public static <T> CompletableFuture<T> start(Supplier<T> work) {
    return CompletableFuture.supplyAsync(work, THREADS);
  }

  /**
   * The result of {@code future}; its failure rethrown as it was thrown (a GpuxException stays
   * one).
   */
  public static <T> T join(CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw e;
    }
  }
}
