package io.gpux.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gpux.index.SearchCacheTables.CachedAnswer;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The search cache of migration V5: one answer per registry and query, replaced, listed. */
class SearchCacheTablesTest {
  @TempDir Path dir;

  @Test
  void aNewAnswerReplacesTheOldAndAllAreListedNewestFirst() throws Exception {
    try (IndexDatabase db = IndexDatabase.openSqlite(dir.resolve("index.db"))) {
      SearchCacheTables cache = new SearchCacheTables(db);
      Instant t0 = Instant.parse("2026-12-02T10:00:00Z");
      cache.put(new CachedAnswer("hf", "{\"text\":\"a\"}", t0, "[1]"));
      cache.put(new CachedAnswer("hf", "{\"text\":\"a\"}", t0.plusSeconds(60), "[2]"));
      cache.put(new CachedAnswer("mlflow", "{\"text\":\"a\"}", t0.plusSeconds(30), "[3]"));
      CachedAnswer hf = cache.get("hf", "{\"text\":\"a\"}").orElseThrow();
      assertEquals("[2]", hf.answer());
      assertEquals(t0.plusSeconds(60), hf.fetchedAt());
      assertTrue(cache.get("hf", "{\"text\":\"b\"}").isEmpty());
      assertEquals(
          java.util.List.of("hf", "mlflow"),
          cache.all().stream().map(CachedAnswer::registry).toList());
    }
  }
}
