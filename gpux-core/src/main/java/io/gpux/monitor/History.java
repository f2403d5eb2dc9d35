package io.gpux.monitor;

import io.gpux.index.HistoryTables;
import io.gpux.index.HistoryTables.Sample;
import io.gpux.index.IndexDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The stored monitoring history: samples written by the {@link HistoryRecorder}, rolled up by
 * {@link #compact}, read back by the insights and the dashboard. It lives in the store's index
 * database ({@code index.db}), on a connection of its own, so a history that cannot be written
 * never stands in the way of the store or of serving.
 */
public final class History implements AutoCloseable {
  /** The tiers a raw row is rolled up into, in seconds. */
  public static final int MINUTE = 60;

  public static final int HOUR = 3600;

  private final HistoryTables tables;
  private final boolean owned;

  public History(HistoryTables tables) {
    this(tables, false);
  }

  private History(HistoryTables tables, boolean owned) {
    this.tables = tables;
    this.owned = owned;
  }

  /** Opens the history in the index database of the store at {@code home} ({@code GPUX_HOME}). */
  public static History open(Path home) {
    return open(home, java.util.Map.of());
  }

  /** As {@link #open(Path)}, in the index {@code env} names ({@code GPUX_INDEX_URL}) if any. */
  public static History open(Path home, Map<String, String> env) {
    return open(home, env, io.gpux.index.WorkspaceTables.DEFAULT);
  }

  /**
   * As {@link #open(Path, Map)}, the history of {@code workspace}: what it records, reads, rolls up
   * and drops is that workspace's alone.
   */
  public static History open(Path home, Map<String, String> env, String workspace) {
    return new History(
        new HistoryTables(IndexDatabase.open(home.resolve("index.db"), env), workspace), true);
  }

  /** The workspace whose history this is. */
  public String workspace() {
    return tables.workspace();
  }

  public HistoryTables tables() {
    return tables;
  }

  public void write(List<Sample> rows) {
    if (!rows.isEmpty()) {
      tables.put(rows);
    }
  }

  public void event(HistoryTables.Event e) {
    tables.event(e);
  }

  public List<HistoryTables.Event> events() {
    return tables.events();
  }

  /** Rows from {@code from} to {@code to} of {@code model} (null: all). */
  public List<Sample> between(Instant from, Instant to, String model) {
    return tables.between(from, to, model);
  }

  /** The model names in the history and when each was last seen. */
  public Map<String, Instant> models() {
    Map<String, Instant> out = new LinkedHashMap<>();
    for (String[] m : tables.models()) {
      out.put(m[0], Instant.parse(m[1]));
    }
    return out;
  }

  public long rows() {
    return tables.count();
  }

  /**
   * Applies {@code retention} at {@code now}: raw rows older than its raw span become per-minute
   * rows, per-minute rows older than its minute span become per-hour rows, per-hour rows older than
   * its hour span go. One transaction: a reader sees the history before or after, never half.
   *
   * <p>Only this history's workspace is compacted: a {@code gpux serve --history-retention} is the
   * choice of the workspace it serves in, and must not drop rows another team keeps for longer on a
   * shared index. Each workspace's rows are rolled up when a server in it next compacts.
   */
  public void compact(Instant now, Retention retention) {
    tables
        .database()
        .transaction(
            () -> {
              rollUp(now.minus(retention.raw()), r -> r < MINUTE, MINUTE);
              rollUp(now.minus(retention.minutes()), r -> r == MINUTE, HOUR);
              tables.deleteBefore(HOUR, now.minus(retention.hours()));
            });
  }

  private void rollUp(Instant before, java.util.function.IntPredicate tier, int into)
      throws java.sql.SQLException {
    // The raw tier's resolution is the recording interval, which may have changed between runs.
    List<Integer> resolutions = tables.resolutionsBelow(into);
    Map<List<Object>, Sample> merged = new LinkedHashMap<>();
    for (int resolution : resolutions) {
      if (!tier.test(resolution)) {
        continue;
      }
      // Only whole periods: a period still being filled waits, so its row is written once.
      Instant cut = floor(before, into);
      for (Sample s : tables.tierBefore(resolution, cut)) {
        Instant start = floor(s.at(), into);
        merged.merge(
            List.of(s.model(), s.version(), start), retier(s, into, start), History::merge);
      }
      tables.deleteBefore(resolution, cut);
    }
    List<Sample> out = new ArrayList<>();
    for (Sample s : merged.values()) {
      // A period already rolled up (by an earlier compaction) takes the new rows in as well.
      List<Sample> existing = tables.between(s.at(), s.at().plusSeconds(1), s.model());
      Sample m = s;
      for (Sample e : existing) {
        if (e.resolution() == into && e.version().equals(s.version())) {
          m = merge(e, m);
        }
      }
      out.add(m);
    }
    tables.put(out);
  }

  static Instant floor(Instant t, int seconds) {
    long s = t.getEpochSecond();
    return Instant.ofEpochSecond(s - Math.floorMod(s, seconds));
  }

  private static Sample retier(Sample s, int resolution, Instant at) {
    return new Sample(
        resolution,
        at,
        s.model(),
        s.version(),
        s.provider(),
        s.seconds(),
        s.succeeded(),
        s.failed(),
        s.badInput(),
        s.modelErrors(),
        s.overload(),
        s.rejected(),
        s.requestBuckets().clone(),
        s.queueBuckets().clone(),
        s.computeBuckets().clone(),
        s.requestSeconds(),
        s.queueSeconds(),
        s.computeSeconds(),
        s.batches(),
        s.batchRows(),
        s.inflightPeak(),
        s.cpuCores(),
        s.rssBytes(),
        s.memoryLimitBytes());
  }

  /** Two rows of one model version as one: counts and buckets add, peaks take the larger. */
  static Sample merge(Sample a, Sample b) {
    double seconds = a.seconds() + b.seconds();
    return new Sample(
        a.resolution(),
        a.at().isBefore(b.at()) ? a.at() : b.at(),
        a.model(),
        a.version(),
        b.provider() != null ? b.provider() : a.provider(),
        seconds,
        a.succeeded() + b.succeeded(),
        a.failed() + b.failed(),
        a.badInput() + b.badInput(),
        a.modelErrors() + b.modelErrors(),
        a.overload() + b.overload(),
        a.rejected() + b.rejected(),
        Latency.add(a.requestBuckets().clone(), b.requestBuckets()),
        Latency.add(a.queueBuckets().clone(), b.queueBuckets()),
        Latency.add(a.computeBuckets().clone(), b.computeBuckets()),
        a.requestSeconds() + b.requestSeconds(),
        a.queueSeconds() + b.queueSeconds(),
        a.computeSeconds() + b.computeSeconds(),
        a.batches() + b.batches(),
        a.batchRows() + b.batchRows(),
        Math.max(a.inflightPeak(), b.inflightPeak()),
        seconds > 0
            ? (a.cpuCores() * a.seconds() + b.cpuCores() * b.seconds()) / seconds
            : Math.max(a.cpuCores(), b.cpuCores()),
        Math.max(a.rssBytes(), b.rssBytes()),
        Math.max(a.memoryLimitBytes(), b.memoryLimitBytes()));
  }

  /** How far back the history reaches, for a caller choosing a default range. */
  public static Duration span(List<Sample> rows) {
    return rows.isEmpty()
        ? Duration.ZERO
        : Duration.between(rows.get(0).at(), rows.get(rows.size() - 1).at());
  }

  @Override
  public void close() {
    if (owned) {
      tables.database().close();
    }
  }
}
