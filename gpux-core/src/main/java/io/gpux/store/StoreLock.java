package io.gpux.store;

import io.gpux.ErrorCategory;
import io.gpux.GpuxException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An exclusive lock across processes (a file lock) and across threads of this process (a lock per
 * key, needed because the JVM refuses to lock one file twice). Close to release.
 */
public final class StoreLock implements AutoCloseable {
  private static final Map<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

  private final ReentrantLock local;
  private final FileChannel channel;
  private final FileLock fileLock;

  private StoreLock(ReentrantLock local, FileChannel channel, FileLock fileLock) {
    this.local = local;
    this.channel = channel;
    this.fileLock = fileLock;
  }

  static StoreLock acquire(Path file) {
    ReentrantLock local =
        IN_PROCESS.computeIfAbsent(file.toAbsolutePath().normalize(), p -> new ReentrantLock());
    local.lock();
    try {
      FileChannel channel =
          FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      try {
        return new StoreLock(local, channel, channel.lock());
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
    } catch (IOException e) {
      local.unlock();
      throw new GpuxException(
          ErrorCategory.UNAVAILABLE,
          "cannot lock " + file + ": " + e.getMessage(),
          "check GPUX_HOME's permissions",
          e);
    }
  }

  @Override
  public void close() {
    try {
      fileLock.release();
      channel.close();
    } catch (IOException ignored) {
      // The OS drops the lock when the channel closes anyway.
    } finally {
      local.unlock();
    }
  }
}
