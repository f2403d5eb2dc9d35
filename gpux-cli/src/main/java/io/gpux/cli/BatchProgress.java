package io.gpux.cli;

import io.gpux.batch.BatchListener;
import io.gpux.batch.ModelList;
import io.gpux.batch.ModelOutcome;
import io.gpux.units.ByteSizes;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Draws a batch pull on standard error. On a terminal: one overall line (models done of all, bytes,
 * speed, ETA) and one line per model in flight, redrawn in place at most ten times a second, with
 * failures printed above it as they happen; so a batch of any length takes a fixed number of lines.
 * Elsewhere (a pipe, a log, {@code --quiet}): one plain line per finished model.
 */
final class BatchProgress extends BatchListener {
  /** Lines are cut to this width so that none wraps, which would break the redraw. */
  private static final int WIDTH = 79;

  private final PrintWriter err;
  private final boolean terminal;
  private final int total;
  private final long begin = System.nanoTime();
  private final AtomicInteger done = new AtomicInteger();
  private final AtomicInteger failed = new AtomicInteger();
  private final AtomicLong bytes = new AtomicLong();
  private final Map<ModelList.Entry, long[]> inFlight = new ConcurrentHashMap<>();
  private int drawn;
  private long lastDraw;

  BatchProgress(PrintWriter err, boolean terminal, int total) {
    this.err = err;
    this.terminal = terminal;
    this.total = total;
  }

  @Override
  public void started(ModelList.Entry model, long size) {
    inFlight.put(model, new long[] {0, size});
    redraw(false);
  }

  @Override
  public void progressed(ModelList.Entry model, long n) {
    bytes.addAndGet(n);
    long[] m = inFlight.get(model);
    if (m != null) {
      synchronized (m) {
        m[0] += n;
      }
    }
    redraw(false);
  }

  @Override
  public void finished(ModelOutcome o) {
    end(o, String.format(Locale.ROOT, "%-8s%s", o.status().word(), o.reference()) + stats(o));
  }

  @Override
  public void failed(ModelOutcome o) {
    failed.incrementAndGet();
    end(o, "failed  " + o.model().text() + " (" + o.model().where() + "): " + o.error());
  }

  private static String stats(ModelOutcome o) {
    return o.bytes() == 0
        ? ""
        : String.format(Locale.ROOT, "  %s  %.1f s", ByteSizes.human(o.bytes()), o.seconds());
  }

  private void end(ModelOutcome o, String line) {
    inFlight.remove(o.model());
    done.incrementAndGet();
    if (!terminal) {
      synchronized (this) {
        err.println(line);
        err.flush();
      }
      return;
    }
    if (o.status() == ModelOutcome.Status.FAILED) {
      above(line);
    } else {
      redraw(true);
    }
  }

  /** Erases the view (the batch is over: the summary follows). */
  synchronized void close() {
    if (terminal) {
      clear();
      err.flush();
    }
  }

  /** A line that stays: printed where the view was, with the view drawn again below it. */
  private synchronized void above(String line) {
    clear();
    err.println(line);
    draw();
  }

  /** Draws the view again, at most every 100 ms unless {@code now}. */
  private void redraw(boolean now) {
    if (!terminal) {
      return;
    }
    synchronized (this) {
      long t = System.nanoTime();
      if (!now && t - lastDraw < 100_000_000L) {
        return;
      }
      lastDraw = t;
      clear();
      draw();
    }
  }

  /** The view's lines, erased: the cursor goes back to where it started. */
  private void clear() {
    if (drawn > 0) {
      err.print("\r\033[" + drawn + "A\033[J");
    }
    drawn = 0;
  }

  private void draw() {
    List<String> lines = new ArrayList<>();
    lines.add(overall());
    inFlight.entrySet().stream()
        .sorted(Map.Entry.comparingByKey(java.util.Comparator.comparingInt(ModelList.Entry::line)))
        .forEach(e -> lines.add(modelLine(e.getKey(), e.getValue())));
    for (String l : lines) {
      err.print(l.length() > WIDTH ? l.substring(0, WIDTH - 1) + "…" : l);
      err.print("\n");
    }
    drawn = lines.size();
    err.flush();
  }

  /** {@code 12/120 models 45.3 MB 23.1 MB/s ETA 8s (1 failed)}. */
  String overall() {
    double seconds = Math.max(1e-3, (System.nanoTime() - begin) / 1e9);
    int d = done.get();
    long b = bytes.get();
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "%d/%d models  ", d, total));
    sb.append(ByteSizes.human(b)).append("  ").append(ByteSizes.human((long) (b / seconds)));
    sb.append("/s");
    if (d > 0 && d < total) {
      long eta = Math.round(seconds / d * (total - d));
      sb.append("  ETA ").append(eta < 60 ? eta + "s" : (eta / 60) + "m" + (eta % 60) + "s");
    }
    if (failed.get() > 0) {
      sb.append("  (").append(failed.get()).append(" failed)");
    }
    return sb.toString();
  }

  private static String modelLine(ModelList.Entry model, long[] m) {
    long got;
    synchronized (m) {
      got = m[0];
    }
    String size = m[1] < 0 ? "" : " / " + ByteSizes.human(m[1]);
    String bar = "";
    if (m[1] > 0) {
      int filled = (int) Math.round(Math.min(1, (double) got / m[1]) * 12);
      bar = "[" + "#".repeat(filled) + "-".repeat(12 - filled) + "] ";
    }
    String name =
        model.text().length() > 44
            ? "…" + model.text().substring(model.text().length() - 43)
            : model.text();
    return String.format(Locale.ROOT, "  %-44s %s%s%s", name, bar, ByteSizes.human(got), size);
  }
}
