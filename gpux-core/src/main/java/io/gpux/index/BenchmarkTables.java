package io.gpux.index;

import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/**
 * The {@code benchmarks} table: what {@code gpux batch benchmark} measured, one row per model
 * timed, for the monitoring and recommendation features to read. Rows are only ever added.
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
      String gpuxVersion) {}

  private final IndexDatabase db;

  public BenchmarkTables(IndexDatabase db) {
    this.db = db;
  }

  public void insert(BenchmarkRow b) throws SQLException {
    db.exec(
        "INSERT INTO benchmarks (measured_at, model, model_file, provider, batch_size, warmup,"
            + " runs, mean_ms, median_ms, p95_ms, p99_ms, min_ms, max_ms, throughput_per_s,"
            + " gpux_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
        b.gpuxVersion());
  }

  /** Every measurement of {@code model} (all models when null), oldest first. */
  public List<BenchmarkRow> list(String model) {
    String sql =
        "SELECT measured_at, model, model_file, provider, batch_size, warmup, runs, mean_ms,"
            + " median_ms, p95_ms, p99_ms, min_ms, max_ms, throughput_per_s, gpux_version"
            + " FROM benchmarks"
            + (model == null ? "" : " WHERE model = ?")
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
                r.getString(15));
    return model == null ? db.query(sql, row) : db.query(sql, row, model);
  }
}
