package io.gpux.index;

import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The {@code collections} and {@code collection_items} tables of one workspace: named lists of
 * model references from any registry, in the order they were added. Writes belong inside {@link
 * IndexDatabase#transaction}.
 */
public final class CollectionTables {
  private final IndexDatabase db;
  private final String workspace;

  public CollectionTables(IndexDatabase db, String workspace) {
    this.db = db;
    this.workspace = workspace;
  }

  /** One collection and how many items it has. */
  public record CollectionRow(
      String name,
      String description,
      String source,
      Instant createdAt,
      Instant updatedAt,
      int items) {}

  /**
   * One item.
   *
   * @param reference the reference kept: exact when pinned, the movable one when followed
   * @param version the exact (stored) version when pinned, else null
   * @param requested the reference as it was added
   */
  public record ItemRow(
      String reference,
      long position,
      String registry,
      String name,
      String version,
      boolean follow,
      String requested,
      String note,
      Instant addedAt) {}

  private static final String COLLECTION_COLUMNS =
      "c.name, c.description, c.source, c.created_at, c.updated_at,"
          + " (SELECT COUNT(*) FROM collection_items i WHERE i.workspace = c.workspace"
          + " AND i.collection = c.name)";

  private static CollectionRow collection(java.sql.ResultSet r) throws SQLException {
    return new CollectionRow(
        r.getString(1),
        r.getString(2),
        r.getString(3),
        Instant.parse(r.getString(4)),
        Instant.parse(r.getString(5)),
        r.getInt(6));
  }

  public List<CollectionRow> all() {
    return db.query(
        "SELECT "
            + COLLECTION_COLUMNS
            + " FROM collections c WHERE c.workspace = ? ORDER BY c.name",
        CollectionTables::collection,
        workspace);
  }

  public Optional<CollectionRow> get(String name) {
    return db
        .query(
            "SELECT "
                + COLLECTION_COLUMNS
                + " FROM collections c WHERE c.workspace = ? AND c.name = ?",
            CollectionTables::collection,
            workspace,
            name)
        .stream()
        .findFirst();
  }

  public void create(String name, String description, String source, Instant now)
      throws SQLException {
    String t = IndexDatabase.time(now);
    db.exec(
        "INSERT INTO collections (workspace, name, description, source, created_at, updated_at)"
            + " VALUES (?, ?, ?, ?, ?, ?)",
        workspace,
        name,
        description,
        source,
        t,
        t);
  }

  public void rename(String from, String to, Instant now) throws SQLException {
    db.exec(
        "UPDATE collections SET name = ?, updated_at = ? WHERE workspace = ? AND name = ?",
        to,
        IndexDatabase.time(now),
        workspace,
        from);
    db.exec(
        "UPDATE collection_items SET collection = ? WHERE workspace = ? AND collection = ?",
        to,
        workspace,
        from);
  }

  public void delete(String name) throws SQLException {
    db.exec("DELETE FROM collection_items WHERE workspace = ? AND collection = ?", workspace, name);
    db.exec("DELETE FROM collections WHERE workspace = ? AND name = ?", workspace, name);
  }

  public List<ItemRow> items(String collection) {
    return db.query(
        "SELECT reference, position, registry, name, version, follow, requested, note, added_at"
            + " FROM collection_items WHERE workspace = ? AND collection = ? ORDER BY position",
        r ->
            new ItemRow(
                r.getString(1),
                r.getLong(2),
                r.getString(3),
                r.getString(4),
                r.getString(5),
                r.getInt(6) != 0,
                r.getString(7),
                r.getString(8),
                Instant.parse(r.getString(9))),
        workspace,
        collection);
  }

  /**
   * Adds an item at the end, or updates the one with the same reference in place (its note and how
   * it was asked for).
   */
  public void put(String collection, ItemRow item, Instant now) throws SQLException {
    db.exec(
        "INSERT INTO collection_items (workspace, collection, reference, position, registry, name,"
            + " version, follow, requested, note, added_at)"
            + " SELECT ?, ?, ?, COALESCE(MAX(position), 0) + 1, ?, ?, ?, ?, ?, ?, ?"
            + " FROM collection_items WHERE workspace = ? AND collection = ?"
            + " ON CONFLICT (workspace, collection, reference) DO UPDATE SET"
            + " requested = excluded.requested, note = excluded.note",
        workspace,
        collection,
        item.reference(),
        item.registry(),
        item.name(),
        item.version(),
        item.follow() ? 1 : 0,
        item.requested(),
        item.note(),
        IndexDatabase.time(now),
        workspace,
        collection);
    touch(collection, now);
  }

  public void remove(String collection, String reference, Instant now) throws SQLException {
    db.exec(
        "DELETE FROM collection_items WHERE workspace = ? AND collection = ? AND reference = ?",
        workspace,
        collection,
        reference);
    touch(collection, now);
  }

  private void touch(String collection, Instant now) throws SQLException {
    db.exec(
        "UPDATE collections SET updated_at = ? WHERE workspace = ? AND name = ?",
        IndexDatabase.time(now),
        workspace,
        collection);
  }
}
