package io.gpux.index;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * V9: benchmarks written before it are kept (those without a source are the batch benchmark's), and
 * rows of one model, provider and instant that differ by batch size now both fit.
 */
class BenchmarkKeyMigrationTest {
  @TempDir Path dir;

  @Test
  void oldRowsSurviveAndBatchSizesOfOneInstantFit() throws Exception {
    Path file = dir.resolve("index.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)");
      for (String m : Migrations.FILES) {
        if (Migrations.number(m) >= 9) {
          break;
        }
        for (String sql : Migrations.statements(m)) {
          s.execute(sql);
        }
        s.execute("INSERT INTO schema_version VALUES (" + Migrations.number(m) + ", '2026-01-01')");
      }
      s.execute(
          "INSERT INTO benchmarks (measured_at, model, provider, batch_size, warmup, runs,"
              + " mean_ms, median_ms, p95_ms, p99_ms, min_ms, max_ms, throughput_per_s,"
              + " gpux_version) VALUES ('"
              + IndexDatabase.time(Instant.parse("2026-11-01T00:00:00Z"))
              + "', 'm', 'CPUExecutionProvider', 1, 1, 5, 1, 1, 1, 1, 1, 1, 1000, '0.1.0')");
    }
    try (IndexDatabase db = IndexDatabase.openSqlite(file)) {
      BenchmarkTables t = new BenchmarkTables(db);
      List<BenchmarkTables.BenchmarkRow> rows = t.list("m");
      assertEquals(1, rows.size());
      assertEquals("batch benchmark", rows.get(0).source());
      BenchmarkTables.BenchmarkRow at = rows.get(0);
      Instant now = Instant.parse("2026-12-01T00:00:00Z");
      for (long batch : new long[] {1, 8}) {
        BenchmarkTables.BenchmarkRow r =
            new BenchmarkTables.BenchmarkRow(
                now,
                "m",
                null,
                "cpu",
                batch,
                1,
                5,
                1,
                1,
                1,
                1,
                1,
                1,
                1000,
                "0.1.0",
                at.machine(),
                "compare --measure");
        db.transaction(() -> t.insert(r));
      }
      assertEquals(List.of(1L, 1L, 8L), t.list("m").stream().map(r -> r.batchSize()).toList());
    }
  }
}
