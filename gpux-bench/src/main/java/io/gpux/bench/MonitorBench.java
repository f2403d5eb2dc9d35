package io.gpux.bench;

import io.gpux.index.HistoryTables.Sample;
import io.gpux.metrics.InferenceMetrics;
import io.gpux.monitor.Dashboard;
import io.gpux.monitor.History;
import io.gpux.monitor.Retention;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The monitoring history's size and the dashboard's read time (bench/monitor.sh).
 *
 * <pre>
 * MonitorBench week HOME RATE        a simulated week of one model at RATE requests/s, 5 s samples,
 *                                    retention applied every simulated hour: rows and bytes
 * MonitorBench dashboard HOME MODELS a week of MODELS models (as retention leaves it), then the
 *                                    dashboard's overview and one model's series over 7 days, timed
 * </pre>
 */
public final class MonitorBench {
  private MonitorBench() {}

  private static final Instant START = Instant.parse("2026-11-01T00:00:00Z");

  public static void main(String[] args) throws Exception {
    Path home = Path.of(args[1]);
    Files.createDirectories(home);
    switch (args[0]) {
      case "week" -> week(home, Double.parseDouble(args[2]));
      case "dashboard" -> dashboard(home, Integer.parseInt(args[2]));
      default -> throw new IllegalArgumentException(args[0]);
    }
  }

  static Sample row(Random r, Instant at, int resolution, String model, double rate) {
    long n = Math.round(rate * resolution);
    long[] b = new long[InferenceMetrics.BUCKETS];
    // a spread over the 1 to 10 ms buckets, as a busy CPU model shows
    b[2] = n / 4;
    b[3] = n / 2;
    b[4] = n - n / 4 - n / 2 - n / 100;
    b[5] = n / 100;
    long errors = r.nextInt(3);
    return new Sample(
        resolution,
        at,
        model,
        "3",
        "CPUExecutionProvider",
        resolution,
        n - errors,
        errors,
        errors,
        0,
        0,
        0,
        b,
        b.clone(),
        b.clone(),
        n * 0.004,
        n * 0.001,
        n * 0.003,
        n / 4,
        n,
        8,
        1.5,
        900L << 20,
        16L << 30);
  }

  static void week(Path home, double rate) throws java.sql.SQLException, java.io.IOException {
    Random random = new Random(1);
    try (History h = History.open(home)) {
      long t0 = System.nanoTime();
      for (int hour = 0; hour < 7 * 24; hour++) {
        List<Sample> rows = new ArrayList<>();
        Instant from = START.plus(Duration.ofHours(hour));
        for (int s = 0; s < 3600; s += 5) {
          rows.add(row(random, from.plusSeconds(s), 5, "fraud", rate));
        }
        h.write(rows);
        h.compact(from.plus(Duration.ofHours(1)), Retention.DEFAULT);
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      h.tables().database().exec("VACUUM"); // outside a transaction: the file as it settles
      // The database file alone (the WAL is checkpointed into it, and is not the history's size).
      long db = Files.size(home.resolve("index.db"));
      System.out.printf(
          Locale.ROOT,
          "week rate=%.0f rows=%d bytes=%d db_bytes=%d bytes_per_row=%.0f written_in_s=%.1f%n",
          rate,
          h.rows(),
          size(home),
          db,
          db / (double) Math.max(1, h.rows()),
          seconds);
    }
  }

  static long size(Path home) {
    long total = 0;
    for (String f : new String[] {"index.db", "index.db-wal"}) {
      try {
        total += Files.size(home.resolve(f));
      } catch (java.io.IOException e) {
        // no WAL left
      }
    }
    return total;
  }

  static void dashboard(Path home, int models) {
    Random random = new Random(2);
    Instant end = START.plus(Duration.ofDays(7));
    try (History h = History.open(home)) {
      if (h.rows() == 0) {
        for (int m = 0; m < models; m++) {
          List<Sample> rows = new ArrayList<>();
          for (Instant t = START;
              t.isBefore(end.minus(Duration.ofHours(6)));
              t = t.plusSeconds(60)) {
            rows.add(row(random, t, 60, "model-" + m, 50));
          }
          for (Instant t = end.minus(Duration.ofHours(6)); t.isBefore(end); t = t.plusSeconds(5)) {
            rows.add(row(random, t, 5, "model-" + m, 50));
          }
          h.write(rows);
        }
      }
      Dashboard d =
          new Dashboard(
              h,
              List::of,
              x -> List.of(),
              Clock.fixed(end, ZoneOffset.UTC),
              false,
              Duration.ofSeconds(2));
      for (int round = 0; round < 4; round++) {
        long t0 = System.nanoTime();
        Dashboard.Page page = d.get("/", "");
        long t1 = System.nanoTime();
        Dashboard.Page overview = d.get("/api/overview", "range=7d");
        long t2 = System.nanoTime();
        Dashboard.Page series = d.get("/api/series", "model=model-0&range=7d");
        long t3 = System.nanoTime();
        Dashboard.Page bench = d.get("/api/benchmarks", "");
        long t4 = System.nanoTime();
        System.out.printf(
            Locale.ROOT,
            "dashboard models=%d rows=%d round=%d load_ms=%.0f (page %.0f ms, 7-day overview %.0f"
                + " ms, 7-day series %.0f ms %d B, benchmarks %.0f ms)%n",
            models,
            h.rows(),
            round,
            (t4 - t0) / 1e6,
            (t1 - t0) / 1e6,
            (t2 - t1) / 1e6,
            (t3 - t2) / 1e6,
            series.body().length,
            (t4 - t3) / 1e6);
        if (page.body().length + overview.body().length + bench.body().length == 0) {
          throw new IllegalStateException("empty answers");
        }
      }
    }
  }
}
