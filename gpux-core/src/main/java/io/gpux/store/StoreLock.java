package io.gpux.store;

import io.gpux.error.ErrorCategory;
import io.gpux.error.GpuxException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An exclusive lock on a key, across processes (an OS file lock) and across the threads of this
 * process. The two layers are needed because the JVM holds file locks per process: a second {@code
 * FileChannel.lock} on the same file from another thread throws {@code
 * OverlappingFileLockException} instead of waiting. Reentrant: a thread that holds the lock may
 * take it again. Close it on the thread that took it (try-with-resources).
 */
public final class StoreLock implements AutoCloseable {
  /** One entry per lock file for the life of the JVM: a handful per model, never reclaimed. */
  private static final Map<Path, Holder> HOLDERS = new ConcurrentHashMap<>();

  private final Holder holder;
  private boolean closed;

  private StoreLock(Holder holder) {
    this.holder = holder;
  }

  /** The in-process lock and, while some thread holds it, the OS lock. */
  private static final class Holder {
    final ReentrantLock local = new ReentrantLock();
    FileChannel channel;
    FileLock fileLock;
  }

  /** Waits until the lock on {@code file} is free in this process and in every other. */
  static StoreLock acquire(Path file) {
    Holder h = HOLDERS.computeIfAbsent(file.toAbsolutePath().normalize(), p -> new Holder());
    h.local.lock();
    if (h.local.getHoldCount() > 1) {
      return new StoreLock(h); // This thread holds the OS lock already.
    }
    try {
      h.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      h.fileLock = h.channel.lock();
      return new StoreLock(h);
    } catch (IOException | RuntimeException e) {
      closeChannel(h);
      h.local.unlock();
      throw new GpuxException(
          ErrorCategory.UNAVAILABLE,
          "cannot lock " + file + ": " + e.getMessage(),
          "check GPUX_HOME's permissions",
          e);
    }
  }

  private static void closeChannel(Holder h) {
    try {
      if (h.channel != null) {
        h.channel.close(); // Releases the OS lock too.
      }
    } catch (IOException ignored) {
      // The OS drops the lock with the descriptor whatever close() reports.
    } finally {
      h.channel = null;
      h.fileLock = null;
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (holder.local.getHoldCount() == 1) {
        closeChannel(holder);
      }
    } finally {
      holder.local.unlock();
    }
  }
}
