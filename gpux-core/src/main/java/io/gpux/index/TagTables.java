package io.gpux.index;

import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The {@code tags} and {@code tag_history} tables: movable local names and every move they made.
 * Tags live only here (a lost index recovers each pull's own tag from the manifests). Writes belong
 * inside {@link IndexDatabase#transaction}.
 */
public final class TagTables {
  private final IndexDatabase db;

  public TagTables(IndexDatabase db) {
    this.db = db;
  }

  /** Points {@code tag} at {@code version} and records the move (no-op when it already does). */
  public void move(String registry, String name, String tag, String version, Instant now)
      throws SQLException {
    String previous = tagged(registry, name, tag).orElse(null);
    if (version.equals(previous)) {
      return;
    }
    db.exec("DELETE FROM tags WHERE registry = ? AND name = ? AND tag = ?", registry, name, tag);
    db.exec(
        "INSERT INTO tags (registry, name, tag, version, updated_at) VALUES (?, ?, ?, ?, ?)",
        registry,
        name,
        tag,
        version,
        IndexDatabase.time(now));
    db.exec(
        "INSERT INTO tag_history (registry, name, tag, seq, version, moved_at, previous_version)"
            + " SELECT ?, ?, ?, COALESCE(MAX(seq), 0) + 1, ?, ?, ? FROM tag_history"
            + " WHERE registry = ? AND name = ? AND tag = ?",
        registry,
        name,
        tag,
        version,
        IndexDatabase.time(now),
        previous,
        registry,
        name,
        tag);
  }

  /** Drops the tags pointing at a version. */
  public void deleteFor(String registry, String name, String version) throws SQLException {
    db.exec(
        "DELETE FROM tags WHERE registry = ? AND name = ? AND version = ?",
        registry,
        name,
        version);
  }

  /** Drops tags whose version is no longer in the versions table. */
  public void deleteDangling() throws SQLException {
    db.exec(
        "DELETE FROM tags WHERE NOT EXISTS (SELECT 1 FROM versions v WHERE"
            + " v.registry = tags.registry AND v.name = tags.name"
            + " AND v.version = tags.version)");
  }

  public Optional<String> tagged(String registry, String name, String tag) {
    return db
        .strings(
            "SELECT version FROM tags WHERE registry = ? AND name = ? AND tag = ?",
            registry,
            name,
            tag)
        .stream()
        .findFirst();
  }

  public List<String> tagsOf(String registry, String name, String version) {
    return db.strings(
        "SELECT tag FROM tags WHERE registry = ? AND name = ? AND version = ? ORDER BY tag",
        registry,
        name,
        version);
  }

  /** Every move of a tag, oldest first. */
  public List<TagMove> history(String registry, String name, String tag) {
    return db.query(
        "SELECT version, previous_version, moved_at FROM tag_history"
            + " WHERE registry = ? AND name = ? AND tag = ? ORDER BY seq",
        r -> new TagMove(tag, r.getString(1), r.getString(2), Instant.parse(r.getString(3))),
        registry,
        name,
        tag);
  }
}
