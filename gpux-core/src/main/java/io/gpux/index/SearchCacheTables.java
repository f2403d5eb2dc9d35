package io.gpux.index;

import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The {@code search_cache} table: a registry's last answer to one query, as the caller encoded it
 * (JSON), with when it was fetched. The caller decides how old an answer may be.
 */
public final class SearchCacheTables {
  /** One cached answer. */
  public record CachedAnswer(String registry, String queryKey, Instant fetchedAt, String answer) {}

  private final IndexDatabase db;

  public SearchCacheTables(IndexDatabase db) {
    this.db = db;
  }

  /** Replaces the answer kept for {@code registry} and {@code queryKey}. */
  public void put(CachedAnswer a) throws SQLException {
    db.exec(
        "DELETE FROM search_cache WHERE registry = ? AND query_key = ?",
        a.registry(),
        a.queryKey());
    db.exec(
        "INSERT INTO search_cache (registry, query_key, fetched_at, answer) VALUES (?, ?, ?, ?)",
        a.registry(),
        a.queryKey(),
        IndexDatabase.time(a.fetchedAt()),
        a.answer());
  }

  public Optional<CachedAnswer> get(String registry, String queryKey) {
    return db
        .query(
            "SELECT registry, query_key, fetched_at, answer FROM search_cache"
                + " WHERE registry = ? AND query_key = ?",
            SearchCacheTables::row,
            registry,
            queryKey)
        .stream()
        .findFirst();
  }

  /** Every cached answer, newest first (an offline search reads them all). */
  public List<CachedAnswer> all() {
    return db.query(
        "SELECT registry, query_key, fetched_at, answer FROM search_cache"
            + " ORDER BY fetched_at DESC",
        SearchCacheTables::row);
  }

  private static CachedAnswer row(java.sql.ResultSet r) throws SQLException {
    return new CachedAnswer(
        r.getString(1), r.getString(2), Instant.parse(r.getString(3)), r.getString(4));
  }
}
