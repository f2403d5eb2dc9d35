package io.gpux.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IndexDatabaseTest {
  @TempDir Path dir;

  private static VersionRow row(String version, Instant at) {
    return new VersionRow(
        "hf",
        "org/m",
        version,
        "main",
        at,
        "http://hub",
        3,
        "manifests/" + version + ".json",
        List.of(new VersionRow.FileRow("model.onnx", "a".repeat(64), 3)));
  }

  @Test
  void aFailedTransactionLeavesNothingBehindAndNestedWorkJoinsTheOuterOne() {
    try (IndexDatabase db = IndexDatabase.openSqlite(dir.resolve("index.db"))) {
      VersionTables versions = new VersionTables(db);
      TagTables tags = new TagTables(db);
      assertThrows(
          IllegalStateException.class,
          () ->
              db.transaction(
                  () -> {
                    versions.insert(row("v1", Instant.EPOCH));
                    db.transaction(() -> tags.move("hf", "org/m", "main", "v1", Instant.EPOCH));
                    throw new IllegalStateException("fails after both writes");
                  }));
      assertFalse(versions.contains("hf", "org/m", "v1"));
      assertTrue(tags.tagged("hf", "org/m", "main").isEmpty());
    }
  }

  @Test
  void versionsAndTagMovesReadBackInOrderAfterReopening() {
    Path file = dir.resolve("index.db");
    try (IndexDatabase db = IndexDatabase.openSqlite(file)) {
      assertTrue(db.opened().lost(), "a new database has nothing to recover from");
      VersionTables versions = new VersionTables(db);
      TagTables tags = new TagTables(db);
      db.transaction(
          () -> {
            versions.insert(row("v1", Instant.parse("2026-01-01T00:00:00Z")));
            versions.insert(row("v2", Instant.parse("2026-01-01T00:00:00.5Z")));
            tags.move("hf", "org/m", "main", "v1", Instant.parse("2026-01-01T00:00:01Z"));
            tags.move("hf", "org/m", "main", "v2", Instant.parse("2026-01-01T00:00:02Z"));
          });
    }
    try (IndexDatabase db = IndexDatabase.openSqlite(file)) {
      assertFalse(db.opened().lost());
      assertEquals(Migrations.LATEST, db.schemaVersion());
      assertEquals(List.of("v2", "v1"), new VersionTables(db).versions("hf", "org/m"));
      List<TagMove> moves = new TagTables(db).history("hf", "org/m", "main");
      assertEquals(List.of("v1", "v2"), moves.stream().map(TagMove::version).toList());
      assertEquals("v1", moves.get(1).previousVersion());
    }
  }
}
