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
  /** A pull pointed the name at what the registry's name points to. */
  public static final String PULLED = "pulled";

  /** {@code gpux update} moved the name to what the registry's name points to now. */
  public static final String UPDATED = "updated";

  /** {@code gpux rollback} moved the name back. */
  public static final String ROLLED_BACK = "rolled back";

  /** {@code gpux pin} (possibly moving it): updates leave the name alone from here. */
  public static final String PINNED = "pinned";

  public static final String UNPINNED = "unpinned";

  private final IndexDatabase db;
  private final String workspace;

  /** The tags of the workspace {@code default}. */
  public TagTables(IndexDatabase db) {
    this(db, WorkspaceTables.DEFAULT);
  }

  /** The tags, pins and tag history of one workspace: every query here is scoped to it. */
  public TagTables(IndexDatabase db, String workspace) {
    this.db = db;
    this.workspace = workspace;
  }

  public String workspace() {
    return workspace;
  }

  /** Points {@code tag} at {@code version} and records the move (no-op when it already does). */
  public void move(String registry, String name, String tag, String version, Instant now)
      throws SQLException {
    move(registry, name, tag, version, now, PULLED);
  }

  /**
   * Points {@code tag} at {@code version} and records the move with why it happened; no-op when it
   * points there already.
   *
   * @return whether it moved
   */
  public boolean move(
      String registry, String name, String tag, String version, Instant now, String action)
      throws SQLException {
    String previous = tagged(registry, name, tag).orElse(null);
    if (version.equals(previous)) {
      return false;
    }
    db.exec(
        "DELETE FROM tags WHERE workspace = ? AND registry = ? AND name = ? AND tag = ?",
        workspace,
        registry,
        name,
        tag);
    db.exec(
        "INSERT INTO tags (workspace, registry, name, tag, version, updated_at)"
            + " VALUES (?, ?, ?, ?, ?, ?)",
        workspace,
        registry,
        name,
        tag,
        version,
        IndexDatabase.time(now));
    record(registry, name, tag, version, previous, now, action);
    return true;
  }

  /** Appends an event to a tag's history (a move, or a pin that did not move it). */
  public void record(
      String registry,
      String name,
      String tag,
      String version,
      String previous,
      Instant now,
      String action)
      throws SQLException {
    db.exec(
        "INSERT INTO tag_history"
            + " (workspace, registry, name, tag, seq, version, moved_at, previous_version, action)"
            + " SELECT ?, ?, ?, ?, COALESCE(MAX(seq), 0) + 1, ?, ?, ?, ? FROM tag_history"
            + " WHERE workspace = ? AND registry = ? AND name = ? AND tag = ?",
        workspace,
        registry,
        name,
        tag,
        version,
        IndexDatabase.time(now),
        previous,
        action,
        workspace,
        registry,
        name,
        tag);
  }

  /** Pins a tag: {@code gpux update} leaves it where it is. */
  public void pin(String registry, String name, String tag, Instant now) throws SQLException {
    db.exec(
        "DELETE FROM pins WHERE workspace = ? AND registry = ? AND name = ? AND tag = ?",
        workspace,
        registry,
        name,
        tag);
    db.exec(
        "INSERT INTO pins (workspace, registry, name, tag, pinned_at) VALUES (?, ?, ?, ?, ?)",
        workspace,
        registry,
        name,
        tag,
        IndexDatabase.time(now));
  }

  /**
   * @return whether the tag was pinned
   */
  public boolean unpin(String registry, String name, String tag) throws SQLException {
    boolean was = pinned(registry, name, tag);
    db.exec(
        "DELETE FROM pins WHERE workspace = ? AND registry = ? AND name = ? AND tag = ?",
        workspace,
        registry,
        name,
        tag);
    return was;
  }

  public boolean pinned(String registry, String name, String tag) {
    return !db.strings(
            "SELECT tag FROM pins WHERE workspace = ? AND registry = ? AND name = ? AND tag = ?",
            workspace,
            registry,
            name,
            tag)
        .isEmpty();
  }

  /**
   * Every tag of one model, or of every model ({@code registry} null), with its version and whether
   * it is pinned; sorted by model and tag.
   */
  public List<TagRow> all(String registry, String name) {
    String where =
        " WHERE t.workspace = ?" + (registry == null ? "" : " AND t.registry = ? AND t.name = ?");
    String sql =
        "SELECT t.registry, t.name, t.tag, t.version, t.updated_at,"
            + " (SELECT COUNT(*) FROM pins p WHERE p.workspace = t.workspace"
            + " AND p.registry = t.registry AND p.name = t.name"
            + " AND p.tag = t.tag) FROM tags t"
            + where
            + " ORDER BY t.registry, t.name, t.tag";
    IndexDatabase.Row<TagRow> row =
        r ->
            new TagRow(
                r.getString(1),
                r.getString(2),
                r.getString(3),
                r.getString(4),
                Instant.parse(r.getString(5)),
                r.getLong(6) > 0);
    return registry == null
        ? db.query(sql, row, workspace)
        : db.query(sql, row, workspace, registry, name);
  }

  /** One tag (a local name) of a model. */
  public record TagRow(
      String registry,
      String name,
      String tag,
      String version,
      Instant updatedAt,
      boolean pinned) {}

  /** Drops this workspace's tags pointing at a version. */
  public void deleteFor(String registry, String name, String version) throws SQLException {
    db.exec(
        "DELETE FROM tags WHERE workspace = ? AND registry = ? AND name = ? AND version = ?",
        workspace,
        registry,
        name,
        version);
    deleteDanglingPins();
  }

  /** A pin lives as long as its tag. */
  private void deleteDanglingPins() throws SQLException {
    db.exec(
        "DELETE FROM pins WHERE NOT EXISTS (SELECT 1 FROM tags t WHERE"
            + " t.workspace = pins.workspace AND t.registry = pins.registry AND t.name = pins.name AND t.tag = pins.tag)");
  }

  /** Drops tags (of every workspace) whose version is no longer in their workspace's versions. */
  public void deleteDangling() throws SQLException {
    db.exec(
        "DELETE FROM tags WHERE NOT EXISTS (SELECT 1 FROM versions v WHERE"
            + " v.workspace = tags.workspace AND v.registry = tags.registry"
            + " AND v.name = tags.name AND v.version = tags.version)");
    deleteDanglingPins();
  }

  public Optional<String> tagged(String registry, String name, String tag) {
    return db
        .strings(
            "SELECT version FROM tags WHERE workspace = ? AND registry = ? AND name = ? AND tag = ?",
            workspace,
            registry,
            name,
            tag)
        .stream()
        .findFirst();
  }

  public List<String> tagsOf(String registry, String name, String version) {
    return db.strings(
        "SELECT tag FROM tags WHERE workspace = ? AND registry = ? AND name = ? AND version = ?"
            + " ORDER BY tag",
        workspace,
        registry,
        name,
        version);
  }

  /** Every move of a tag, oldest first. */
  public List<TagMove> history(String registry, String name, String tag) {
    return db.query(
        "SELECT version, previous_version, moved_at, action FROM tag_history"
            + " WHERE workspace = ? AND registry = ? AND name = ? AND tag = ? ORDER BY seq",
        r ->
            new TagMove(
                tag,
                r.getString(1),
                r.getString(2),
                Instant.parse(r.getString(3)),
                r.getString(4) == null ? PULLED : r.getString(4)),
        workspace,
        registry,
        name,
        tag);
  }
}
