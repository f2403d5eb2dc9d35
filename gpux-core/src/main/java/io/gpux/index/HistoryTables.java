package io.gpux.index;

import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The monitoring history's tables ({@code monitor_samples}, {@code monitor_events}, schema V6) of
 * one workspace (V10): rows are written by {@code io.gpux.monitor}'s recorder and rolled up by its
 * retention; this class only maps them, and every query here reads and writes within its workspace,
 * so two workspaces serving the same model name keep apart.
 */
public final class HistoryTables {
  /**
   * One model version over one interval.
   *
   * @param resolution the tier: the recording interval in seconds (raw), 60 or 3600
   * @param at the interval's start
   * @param seconds how long it covers
   * @param rejected requests the whole server refused at capacity in the interval (server-wide)
   * @param requestBuckets per-bucket counts of request durations, /metrics's buckets then +Inf
   * @param cpuCores the process's CPU use, in cores busy on average
   */
  public record Sample(
      int resolution,
      Instant at,
      String model,
      String version,
      String provider,
      double seconds,
      long succeeded,
      long failed,
      long badInput,
      long modelErrors,
      long overload,
      long rejected,
      long[] requestBuckets,
      long[] queueBuckets,
      long[] computeBuckets,
      double requestSeconds,
      double queueSeconds,
      double computeSeconds,
      long batches,
      long batchRows,
      long inflightPeak,
      double cpuCores,
      long rssBytes,
      long memoryLimitBytes) {

    public long requests() {
      return succeeded + failed;
    }
  }

  /**
   * Something that changed while serving.
   *
   * @param kind {@code served} (a version began being served) or {@code replaced} (it took the
   *     place of {@code previous})
   * @param reference the reference served, e.g. the local name {@code --follow} follows
   * @param requestedProvider the provider asked for (null: automatic)
   */
  public record Event(
      Instant at,
      String model,
      String kind,
      String version,
      String previous,
      String reference,
      String requestedProvider,
      String provider) {}

  private static final String COLUMNS =
      "resolution, at, model, version, provider, seconds, succeeded, failed, bad_input,"
          + " model_errors, overload, rejected, request_buckets, queue_buckets, compute_buckets,"
          + " request_seconds, queue_seconds, compute_seconds, batches, batch_rows, inflight_peak,"
          + " cpu_cores, rss_bytes, memory_limit_bytes";

  private final IndexDatabase db;
  private final String workspace;

  /** The history of the workspace {@code default}. */
  public HistoryTables(IndexDatabase db) {
    this(db, WorkspaceTables.DEFAULT);
  }

  /** The history of one workspace. */
  public HistoryTables(IndexDatabase db, String workspace) {
    this.db = db;
    this.workspace = java.util.Objects.requireNonNull(workspace);
  }

  public IndexDatabase database() {
    return db;
  }

  public String workspace() {
    return workspace;
  }

  /** Adds rows, replacing one with the same tier, model, version and start (a roll-up's merge). */
  public void put(List<Sample> rows) {
    db.transaction(
        () -> {
          for (Sample s : rows) {
            delete(s.resolution(), s.model(), s.version(), s.at());
            db.exec(
                "INSERT INTO monitor_samples (workspace, "
                    + COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                    + " ?, ?, ?)",
                workspace,
                s.resolution(),
                IndexDatabase.time(s.at()),
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
                text(s.requestBuckets()),
                text(s.queueBuckets()),
                text(s.computeBuckets()),
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
        });
  }

  private void delete(int resolution, String model, String version, Instant at)
      throws SQLException {
    db.exec(
        "DELETE FROM monitor_samples WHERE workspace = ? AND resolution = ? AND model = ?"
            + " AND version = ? AND at = ?",
        workspace,
        resolution,
        model,
        version,
        IndexDatabase.time(at));
  }

  /** Deletes the rows of a tier that start before {@code before}; call within a transaction. */
  public void deleteBefore(int resolution, Instant before) throws SQLException {
    db.exec(
        "DELETE FROM monitor_samples WHERE workspace = ? AND resolution = ? AND at < ?",
        workspace,
        resolution,
        IndexDatabase.time(before));
  }

  /** The tiers below {@code resolution} that hold rows (the raw tier's may vary between runs). */
  public List<Integer> resolutionsBelow(int resolution) {
    return db.query(
        "SELECT DISTINCT resolution FROM monitor_samples WHERE workspace = ? AND resolution < ?",
        r -> r.getInt(1),
        workspace,
        resolution);
  }

  /** Rows of one tier that start before {@code before}, oldest first. */
  public List<Sample> tierBefore(int resolution, Instant before) {
    return db.query(
        "SELECT "
            + COLUMNS
            + " FROM monitor_samples WHERE workspace = ? AND resolution = ? AND at < ?"
            + " ORDER BY at, model, version",
        HistoryTables::sample,
        workspace,
        resolution,
        IndexDatabase.time(before));
  }

  /**
   * Rows from {@code from} (inclusive) to {@code to} (exclusive), every tier, of one model (null:
   * all), oldest first.
   */
  public List<Sample> between(Instant from, Instant to, String model) {
    String sql =
        "SELECT "
            + COLUMNS
            + " FROM monitor_samples WHERE workspace = ? AND at >= ? AND at < ?"
            + (model == null ? "" : " AND model = ?")
            + " ORDER BY at, model, version, resolution";
    return model == null
        ? db.query(
            sql, HistoryTables::sample, workspace, IndexDatabase.time(from), IndexDatabase.time(to))
        : db.query(
            sql,
            HistoryTables::sample,
            workspace,
            IndexDatabase.time(from),
            IndexDatabase.time(to),
            model);
  }

  /** Every row, oldest first. */
  public List<Sample> all() {
    return db.query(
        "SELECT "
            + COLUMNS
            + " FROM monitor_samples WHERE workspace = ? ORDER BY at, model, version",
        HistoryTables::sample,
        workspace);
  }

  /** One model version's sums over a time range, added up by the database. */
  public record Totals(
      String model,
      String version,
      String provider,
      long succeeded,
      long failed,
      double seconds,
      Instant lastAt,
      long rssBytes) {}

  /** Sums per model version of the rows from {@code from} to {@code to}, by model and version. */
  public List<Totals> totals(Instant from, Instant to) {
    return db.query(
        "SELECT model, version, MAX(provider), SUM(succeeded), SUM(failed), SUM(seconds), MAX(at),"
            + " MAX(rss_bytes) FROM monitor_samples WHERE workspace = ? AND at >= ? AND at < ?"
            + " GROUP BY model, version ORDER BY model, version",
        r ->
            new Totals(
                r.getString(1),
                r.getString(2),
                r.getString(3),
                r.getLong(4),
                r.getLong(5),
                r.getDouble(6),
                Instant.parse(r.getString(7)),
                r.getLong(8)),
        workspace,
        IndexDatabase.time(from),
        IndexDatabase.time(to));
  }

  /**
   * The request-time buckets of each model version from {@code from} to {@code to}, added up (keyed
   * {@code model + "\u0000" + version}): what the overview's percentiles need, without reading and
   * parsing the rows' other columns.
   */
  public java.util.Map<String, long[]> requestBuckets(Instant from, Instant to) {
    java.util.Map<String, long[]> out = new java.util.TreeMap<>();
    db.query(
        "SELECT model, version, request_buckets FROM monitor_samples"
            + " WHERE workspace = ? AND at >= ? AND at < ?",
        r -> {
          long[] b = longs(r.getString(3));
          out.merge(
              r.getString(1) + "\u0000" + r.getString(2),
              b,
              (x, y) -> {
                long[] sum = x.length >= y.length ? x : y;
                long[] other = sum == x ? y : x;
                for (int i = 0; i < other.length; i++) {
                  sum[i] += other[i];
                }
                return sum;
              });
          return Boolean.TRUE;
        },
        workspace,
        IndexDatabase.time(from),
        IndexDatabase.time(to));
    return out;
  }

  /** The models in the history, with the time of each one's latest row. */
  public List<String[]> models() {
    return db.query(
        "SELECT model, MAX(at) FROM monitor_samples WHERE workspace = ? GROUP BY model"
            + " ORDER BY model",
        r -> new String[] {r.getString(1), r.getString(2)},
        workspace);
  }

  public long count() {
    return db.query(
            "SELECT COUNT(*) FROM monitor_samples WHERE workspace = ?",
            r -> r.getLong(1),
            workspace)
        .get(0);
  }

  public void event(Event e) {
    db.transaction(
        () ->
            db.exec(
                "INSERT INTO monitor_events (workspace, at, model, kind, version, previous,"
                    + " reference, requested_provider, provider)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                workspace,
                IndexDatabase.time(e.at()),
                e.model(),
                e.kind(),
                e.version(),
                e.previous(),
                e.reference(),
                e.requestedProvider(),
                e.provider()));
  }

  /** Every event, oldest first. */
  public List<Event> events() {
    return db.query(
        "SELECT at, model, kind, version, previous, reference, requested_provider, provider"
            + " FROM monitor_events WHERE workspace = ? ORDER BY at, model",
        r ->
            new Event(
                Instant.parse(r.getString(1)),
                r.getString(2),
                r.getString(3),
                r.getString(4),
                r.getString(5),
                r.getString(6),
                r.getString(7),
                r.getString(8)),
        workspace);
  }

  private static Sample sample(java.sql.ResultSet r) throws SQLException {
    return new Sample(
        r.getInt(1),
        Instant.parse(r.getString(2)),
        r.getString(3),
        r.getString(4),
        r.getString(5),
        r.getDouble(6),
        r.getLong(7),
        r.getLong(8),
        r.getLong(9),
        r.getLong(10),
        r.getLong(11),
        r.getLong(12),
        longs(r.getString(13)),
        longs(r.getString(14)),
        longs(r.getString(15)),
        r.getDouble(16),
        r.getDouble(17),
        r.getDouble(18),
        r.getLong(19),
        r.getLong(20),
        r.getLong(21),
        r.getDouble(22),
        r.getLong(23),
        r.getLong(24));
  }

  private static String text(long[] counts) {
    return Arrays.stream(counts).mapToObj(Long::toString).collect(Collectors.joining(","));
  }

  private static long[] longs(String text) {
    return text.isEmpty()
        ? new long[0]
        : Arrays.stream(text.split(",")).mapToLong(Long::parseLong).toArray();
  }
}
