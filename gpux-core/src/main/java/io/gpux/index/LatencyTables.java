package io.gpux.index;

import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The {@code recommend_latency} table: what one model file took on one machine, measured by {@code
 * gpux recommend}'s harness. Rows are keyed by the file's content digest and the machine's
 * fingerprint, so another machine's (or another ONNX Runtime's) timing is never mistaken for this
 * one's.
 *
 * <p>Unlike the monitoring history and the benchmarks (one workspace's each, V10), this cache has
 * no workspace: a row is a property of the file and the machine, which are the same whichever
 * workspace asked. Sharing it means one measurement serves every team on a shared index, and no
 * workspace's data is in it (only digests, fingerprints and timings).
 */
public final class LatencyTables {
  /**
   * The machine a latency belongs to.
   *
   * @param provider the execution provider that ran it ({@code cpu}, {@code cuda}...)
   */
  public record Fingerprint(String cpuModel, int cores, String provider, String ortVersion) {
    @Override
    public String toString() {
      return cpuModel + ", " + cores + " cores, " + provider + ", ONNX Runtime " + ortVersion;
    }
  }

  /**
   * One measured model.
   *
   * @param modelDigest the sha256 of the ONNX file
   * @param reference the reference it was measured under (for people reading the table)
   * @param flops the model's estimated cost of one batch-1 call, for calibrating estimates
   */
  public record MeasuredLatency(
      String modelDigest,
      Fingerprint machine,
      String reference,
      Instant measuredAt,
      int warmup,
      int runs,
      double p50Ms,
      double p99Ms,
      double flops) {}

  private static final String COLUMNS =
      "model_digest, cpu_model, cores, provider, ort_version, reference, measured_at, warmup,"
          + " runs, p50_ms, p99_ms, flops";

  private final IndexDatabase db;

  public LatencyTables(IndexDatabase db) {
    this.db = db;
  }

  /** Keeps a measurement, replacing the one of the same file on the same machine. */
  public void put(MeasuredLatency m) throws SQLException {
    db.exec(
        "INSERT INTO recommend_latency ("
            + COLUMNS
            + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT (model_digest, cpu_model, cores, provider, ort_version) DO UPDATE SET"
            + " reference = excluded.reference, measured_at = excluded.measured_at,"
            + " warmup = excluded.warmup, runs = excluded.runs, p50_ms = excluded.p50_ms,"
            + " p99_ms = excluded.p99_ms, flops = excluded.flops",
        m.modelDigest(),
        m.machine().cpuModel(),
        m.machine().cores(),
        m.machine().provider(),
        m.machine().ortVersion(),
        m.reference(),
        IndexDatabase.time(m.measuredAt()),
        m.warmup(),
        m.runs(),
        m.p50Ms(),
        m.p99Ms(),
        m.flops());
  }

  /** The measurement of one file on {@code machine}, if it was measured there. */
  public Optional<MeasuredLatency> get(String modelDigest, Fingerprint machine) {
    return db
        .query(
            "SELECT "
                + COLUMNS
                + " FROM recommend_latency WHERE model_digest = ? AND cpu_model = ? AND cores = ?"
                + " AND provider = ? AND ort_version = ?",
            LatencyTables::row,
            modelDigest,
            machine.cpuModel(),
            machine.cores(),
            machine.provider(),
            machine.ortVersion())
        .stream()
        .findFirst();
  }

  /** Every measurement made on {@code machine} (what an estimate is calibrated on). */
  public List<MeasuredLatency> on(Fingerprint machine) {
    return db.query(
        "SELECT "
            + COLUMNS
            + " FROM recommend_latency WHERE cpu_model = ? AND cores = ? AND provider = ?"
            + " AND ort_version = ? ORDER BY measured_at",
        LatencyTables::row,
        machine.cpuModel(),
        machine.cores(),
        machine.provider(),
        machine.ortVersion());
  }

  private static MeasuredLatency row(java.sql.ResultSet r) throws SQLException {
    return new MeasuredLatency(
        r.getString(1),
        new Fingerprint(r.getString(2), r.getInt(3), r.getString(4), r.getString(5)),
        r.getString(6),
        Instant.parse(r.getString(7)),
        r.getInt(8),
        r.getInt(9),
        r.getDouble(10),
        r.getDouble(11),
        r.getDouble(12));
  }
}
