package io.gpux.batch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The memory a batch may hold in open sessions, and a gauge of how many are open. A session's cost
 * is estimated before it opens, from its model's files: {@value #WEIGHT_FACTOR} times their size
 * (ONNX Runtime keeps its own copy of the weights, and its arena grows to about the weights again
 * for a small model's activations) plus {@value #SESSION_OVERHEAD_MIB} MiB for the session itself
 * (kernels, thread pools, the arena's first chunk). A model whose estimate is larger than the whole
 * budget runs alone rather than never.
 */
public final class SessionBudget {
  public static final int WEIGHT_FACTOR = 2;
  public static final long SESSION_OVERHEAD_MIB = 8;

  /** The share of the machine's memory the default budget takes. */
  public static final double DEFAULT_FRACTION = 0.5;

  private final long limit;
  private long reserved;
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicInteger peak = new AtomicInteger();

  public SessionBudget(long limitBytes) {
    if (limitBytes <= 0) {
      throw new IllegalArgumentException("a memory budget must be positive");
    }
    this.limit = limitBytes;
  }

  /**
   * Half the memory of the machine (or of its container, which the JVM reports when it has one).
   */
  public static long defaultLimit() {
    long total =
        ((com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean())
            .getTotalMemorySize();
    return Math.max(1L << 30, (long) (total * DEFAULT_FRACTION));
  }

  /**
   * The estimated cost of a session on {@code modelFile}: the file, plus the external-data files
   * beside it whose names start with its name ({@code model.onnx.data}, {@code model.onnx_data}).
   */
  public static long estimate(Path modelFile) {
    long bytes = size(modelFile);
    Path dir = modelFile.toAbsolutePath().getParent();
    String name = modelFile.getFileName().toString();
    if (dir != null) {
      try (var siblings = Files.list(dir)) {
        bytes +=
            siblings
                .filter(p -> !p.getFileName().toString().equals(name))
                .filter(p -> p.getFileName().toString().startsWith(name))
                .mapToLong(SessionBudget::size)
                .sum();
      } catch (java.io.IOException | java.io.UncheckedIOException e) {
        // The model file alone is estimate enough when the folder cannot be listed.
      }
    }
    return WEIGHT_FACTOR * bytes + (SESSION_OVERHEAD_MIB << 20);
  }

  private static long size(Path p) {
    try {
      return Files.isRegularFile(p) ? Files.size(p) : 0;
    } catch (java.io.IOException e) {
      return 0;
    }
  }

  public long limit() {
    return limit;
  }

  /**
   * Waits until {@code cost} fits beside the sessions open now, reserves it and counts a session
   * open; returns what was reserved (for {@link #release}).
   */
  public long acquire(long cost) throws InterruptedException {
    long take = Math.min(cost, limit);
    synchronized (this) {
      while (reserved + take > limit) {
        wait();
      }
      reserved += take;
    }
    peak.accumulateAndGet(open.incrementAndGet(), Math::max);
    return take;
  }

  /** Frees what {@link #acquire} reserved once the session is closed. */
  public void release(long taken) {
    open.decrementAndGet();
    synchronized (this) {
      reserved -= taken;
      notifyAll();
    }
  }

  /** Sessions open now. */
  public int open() {
    return open.get();
  }

  /** The most sessions that were open at once. */
  public int peak() {
    return peak.get();
  }
}
