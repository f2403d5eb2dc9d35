package io.gpux.index;

import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/**
 * The {@code benchmarks} table: what {@code gpux batch benchmark} measured, one row per model
 * timed, for the monitoring and recommendation features to read. Rows are only ever added; each
 * carries the machine it ran on (schema 6 on) and belongs to one workspace (schema 10 on), whose
 * history it is part of: every query here stays within it.
 */
public final class BenchmarkTables {
  /**
   * One measurement.
   *
   * @param model the reference as the benchmark was given it
   * @param modelFile the .onnx file that ran (so a later reader can tell versions apart)
   */
  public record BenchmarkRow(
      Instant measuredAt,
      String model,
      String modelFile,
      String provider,
      long batchSize,
      int warmup,
      int runs,
      double meanMs,
      double medianMs,
      double p95Ms,
      double p99Ms,
      double minMs,
      double maxMs,
      double throughputPerSecond,
      String gpuxVersion,
      Machine machine,
      String source) {

    /** A row without the machine (those written before schema 6 have none). */
    public BenchmarkRow withMachine(Machine m, String from) {
      return new BenchmarkRow(
          measuredAt,
          model,
          modelFile,
          provider,
          batchSize,
          warmup,
          runs,
          meanMs,
          medianMs,
          p95Ms,
          p99Ms,
          minMs,
          maxMs,
          throughputPerSecond,
          gpuxVersion,
          m,
          from);
    }
  }

  /**
   * The machine a benchmark ran on, so results from several machines compare: the CPU's model and
   * cores, and the ONNX Runtime that ran it (the provider is the row's own).
   */
  public record Machine(String cpuModel, int cores, String ortVersion) {}

  private final IndexDatabase db;
  private final String workspace;

  /** The benchmarks of the workspace {@code default}. */
  public BenchmarkTables(IndexDatabase db) {
    this(db, WorkspaceTables.DEFAULT);
  }

  /** The benchmarks of one workspace. */
  public BenchmarkTables(IndexDatabase db, String workspace) {
    this.db = db;
    this.workspace = java.util.Objects.requireNonNull(workspace);
  }

  public void insert(BenchmarkRow b) throws SQLException {
    db.exec(
        "INSERT INTO benchmarks (workspace, measured_at, model, model_file, provider, batch_size,"
            + " warmup, runs, mean_ms, median_ms, p95_ms, p99_ms, min_ms, max_ms,"
            + " throughput_per_s, gpux_version, cpu_model, cores, ort_version, source)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        workspace,
        IndexDatabase.time(b.measuredAt()),
        b.model(),
        b.modelFile(),
        b.provider(),
        b.batchSize(),
        b.warmup(),
        b.runs(),
        b.meanMs(),
        b.medianMs(),
        b.p95Ms(),
        b.p99Ms(),
        b.minMs(),
        b.maxMs(),
        b.throughputPerSecond(),
        b.gpuxVersion(),
        b.machine() == null ? null : b.machine().cpuModel(),
        b.machine() == null ? null : b.machine().cores(),
        b.machine() == null ? null : b.machine().ortVersion(),
        b.source());
  }

  /** Every measurement of {@code model} (all models when null), oldest first. */
  public List<BenchmarkRow> list(String model) {
    String sql =
        "SELECT measured_at, model, model_file, provider, batch_size, warmup, runs, mean_ms,"
            + " median_ms, p95_ms, p99_ms, min_ms, max_ms, throughput_per_s, gpux_version,"
            + " cpu_model, cores, ort_version, source"
            + " FROM benchmarks WHERE workspace = ?"
            + (model == null ? "" : " AND model = ?")
            + " ORDER BY measured_at, model";
    IndexDatabase.Row<BenchmarkRow> row =
        r ->
            new BenchmarkRow(
                Instant.parse(r.getString(1)),
                r.getString(2),
                r.getString(3),
                r.getString(4),
                r.getLong(5),
                r.getInt(6),
                r.getInt(7),
                r.getDouble(8),
                r.getDouble(9),
                r.getDouble(10),
                r.getDouble(11),
                r.getDouble(12),
                r.getDouble(13),
                r.getDouble(14),
                r.getString(15),
                r.getString(16) == null
                    ? null
                    : new Machine(r.getString(16), r.getInt(17), r.getString(18)),
                r.getString(19));
    return model == null ? db.query(sql, row, workspace) : db.query(sql, row, workspace, model);
  }
}
