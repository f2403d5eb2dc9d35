package io.gpux.cli;

import io.gpux.transfer.TransferListener;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Draws pull progress on standard error: one self-updating line (bytes, total, speed) on a
 * terminal, one line per finished file otherwise (logs and tests).
 */
final class ProgressRenderer extends TransferListener {
  private final PrintWriter err;
  private final boolean terminal;
  private final long started = System.nanoTime();
  private final AtomicLong received = new AtomicLong();
  private final AtomicLong total = new AtomicLong();
  private final Map<String, Long> sizes = new ConcurrentHashMap<>();
  private volatile long lastDraw;

  ProgressRenderer(PrintWriter err, boolean terminal) {
    this.err = err;
    this.terminal = terminal;
  }

  @Override
  public void started(String path, long size, long resumedFrom) {
    sizes.put(path, size);
    if (size > 0) {
      total.addAndGet(size - resumedFrom);
    }
    if (resumedFrom > 0) {
      line("  " + path + ": resuming after " + io.gpux.units.ByteSizes.human(resumedFrom));
    }
  }

  @Override
  public void progressed(String path, long bytes) {
    received.addAndGet(bytes);
    long now = System.nanoTime();
    if (terminal && now - lastDraw > 100_000_000L) {
      lastDraw = now;
      synchronized (err) {
        err.print("\r  " + status() + "   ");
        err.flush();
      }
    }
  }

  @Override
  public void retrying(String path, int attempt, String reason, long delayMillis) {
    line(
        String.format(
            Locale.ROOT, "  %s: %s; retrying in %.1f s", path, reason, delayMillis / 1000.0));
  }

  @Override
  public void completed(String path, long size, String sha256) {
    line(
        String.format(
            Locale.ROOT,
            "  %-40s %10s  sha256:%s",
            path,
            io.gpux.units.ByteSizes.human(size),
            sha256.substring(0, 12)));
  }

  @Override
  public void skipped(String path, long size) {
    line(
        String.format(
            Locale.ROOT,
            "  %-40s %10s  already in the store",
            path,
            io.gpux.units.ByteSizes.human(size)));
  }

  /** {@code [########------------] 42% 420.0 MB / 1.0 GB 356.2 MB/s ETA 2s}. */
  String status() {
    double seconds = Math.max(1e-3, (System.nanoTime() - started) / 1e9);
    long got = received.get();
    long all = total.get();
    double rate = got / seconds;
    StringBuilder sb = new StringBuilder();
    if (all > 0) {
      double done = Math.min(1, (double) got / all);
      int filled = (int) Math.round(done * 24);
      sb.append('[').append("#".repeat(filled)).append("-".repeat(24 - filled)).append("] ");
      sb.append(String.format(Locale.ROOT, "%3d%%  ", (int) Math.floor(done * 100)));
    }
    sb.append(io.gpux.units.ByteSizes.human(got))
        .append(" / ")
        .append(io.gpux.units.ByteSizes.human(all));
    sb.append("  ").append(io.gpux.units.ByteSizes.human((long) rate)).append("/s");
    if (all > got && rate > 0) {
      long eta = Math.round((all - got) / rate);
      sb.append("  ETA ").append(eta < 60 ? eta + "s" : (eta / 60) + "m" + (eta % 60) + "s");
    }
    return sb.toString();
  }

  private void line(String text) {
    synchronized (err) {
      if (terminal) {
        err.print("\r\033[K");
      }
      err.println(text);
      err.flush();
    }
  }
}
