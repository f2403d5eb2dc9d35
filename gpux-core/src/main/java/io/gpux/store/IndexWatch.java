package io.gpux.store;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Tells when the store's index may have changed: another process pulled, updated, pinned or rolled
 * back. It watches the index's files ({@code index.db} and its write-ahead log, where every commit
 * lands) with the operating system's file events (inotify on Linux), so an idle store costs
 * nothing; reads never write those two files (SQLite's readers touch only {@code index.db-shm}), so
 * the reader this wakes up does not wake itself again. Where a file system delivers no events (some
 * network mounts), a check every {@code fallback} stands in: a local query, never a registry's.
 */
public final class IndexWatch implements AutoCloseable {
  private static final Duration SETTLE = Duration.ofMillis(100);
  private final WatchService watcher;
  private final Thread thread;

  private IndexWatch(WatchService watcher, Thread thread) {
    this.watcher = watcher;
    this.thread = thread;
  }

  /**
   * Calls {@code changed} on a daemon thread of its own after the index's files change (once per
   * burst of writes: it waits until they have been quiet for 100 ms), and every {@code fallback}
   * without a change. {@code changed} runs one call at a time; what it throws is its own business.
   */
  public static IndexWatch start(Path home, Duration fallback, Runnable changed)
      throws IOException {
    WatchService watcher = FileSystems.getDefault().newWatchService();
    home.register(
        watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
    String index = new StoreLayout(home).index().getFileName().toString();
    Thread t =
        new Thread(
            () -> {
              try {
                while (true) {
                  WatchKey key = watcher.poll(fallback.toMillis(), TimeUnit.MILLISECONDS);
                  boolean touched = key == null; // the fallback check
                  while (key != null) {
                    touched |= indexFiles(key, index);
                    key.reset();
                    key = watcher.poll(SETTLE.toMillis(), TimeUnit.MILLISECONDS);
                  }
                  if (touched) {
                    try {
                      changed.run();
                    } catch (RuntimeException e) {
                      // The caller's failure (a version that cannot load): keep watching.
                    }
                  }
                }
              } catch (InterruptedException | ClosedWatchServiceException e) {
                // closed
              }
            },
            "gpux-index-watch");
    t.setDaemon(true);
    t.start();
    return new IndexWatch(watcher, t);
  }

  private static boolean indexFiles(WatchKey key, String index) {
    boolean touched = false;
    for (WatchEvent<?> e : key.pollEvents()) {
      if (e.kind() == StandardWatchEventKinds.OVERFLOW) {
        touched = true;
      } else if (e.context() instanceof Path p) {
        String name = p.getFileName().toString();
        touched |= name.equals(index) || name.equals(index + "-wal");
      }
    }
    return touched;
  }

  @Override
  public void close() {
    thread.interrupt();
    try {
      watcher.close();
    } catch (IOException e) {
      // nothing held beyond the descriptor
    }
  }
}
