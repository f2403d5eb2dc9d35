package io.gpux.index;

import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code workspaces} and {@code workspace_settings} tables: the workspaces that exist and each
 * one's registry settings. Which versions each one holds is in {@link VersionTables}, keyed by
 * workspace. Writes belong inside {@link IndexDatabase#transaction}.
 */
public final class WorkspaceTables {
  /** The workspace every index has, which the rows from before workspaces moved into. */
  public static final String DEFAULT = "default";

  private final IndexDatabase db;

  public WorkspaceTables(IndexDatabase db) {
    this.db = db;
  }

  /** One workspace and how much it holds. */
  public record WorkspaceRow(
      String name, Instant createdAt, int tags, int collections, int versions) {
    public boolean empty() {
      return tags == 0 && collections == 0 && versions == 0;
    }
  }

  public boolean exists(String name) {
    return !db.strings("SELECT name FROM workspaces WHERE name = ?", name).isEmpty();
  }

  public List<String> names() {
    return db.strings("SELECT name FROM workspaces ORDER BY name");
  }

  public void create(String name, Instant now) throws SQLException {
    db.exec(
        "INSERT INTO workspaces (name, created_at) VALUES (?, ?)", name, IndexDatabase.time(now));
  }

  /** Creates a workspace unless it exists (a version recorded in it makes it exist). */
  public void ensure(String name, Instant now) throws SQLException {
    db.exec(
        "INSERT INTO workspaces (name, created_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
        name,
        IndexDatabase.time(now));
  }

  /** Every workspace with its counts, by name. */
  public List<WorkspaceRow> all() {
    return db.query(
        "SELECT w.name, w.created_at,"
            + " (SELECT COUNT(*) FROM tags t WHERE t.workspace = w.name),"
            + " (SELECT COUNT(*) FROM collections c WHERE c.workspace = w.name),"
            // Distinct versions: on a shared index each store (machine) has its own row of one.
            + " (SELECT COUNT(DISTINCT v.registry || ' ' || v.name || ' ' || v.version)"
            + " FROM versions v WHERE v.workspace = w.name)"
            + " FROM workspaces w ORDER BY w.name",
        r ->
            new WorkspaceRow(
                r.getString(1),
                Instant.parse(r.getString(2)),
                r.getInt(3),
                r.getInt(4),
                r.getInt(5)));
  }

  /**
   * Drops a workspace and everything scoped to it in the index: its versions' rows (the store
   * deletes their manifest files, see {@code ModelStore.dropWorkspace}), monitoring history and
   * benchmarks included (a workspace created again under the name starts afresh).
   */
  public void delete(String name) throws SQLException {
    for (String table :
        new String[] {
          "tags",
          "pins",
          "tag_history",
          "collection_items",
          "collections",
          "workspace_settings",
          "monitor_samples",
          "monitor_events",
          "benchmarks",
        }) {
      db.exec("DELETE FROM " + table + " WHERE workspace = ?", name);
    }
    new VersionTables(db, name).deleteAll();
    db.exec("DELETE FROM workspaces WHERE name = ?", name);
  }

  /** Sets (or with a null value, clears) one of a workspace's settings. */
  public void set(String workspace, String setting, String value) throws SQLException {
    db.exec(
        "DELETE FROM workspace_settings WHERE workspace = ? AND setting = ?", workspace, setting);
    if (value != null) {
      db.exec(
          "INSERT INTO workspace_settings (workspace, setting, value) VALUES (?, ?, ?)",
          workspace,
          setting,
          value);
    }
  }

  /** A workspace's settings, by name. */
  public Map<String, String> settings(String workspace) {
    Map<String, String> out = new LinkedHashMap<>();
    db.query(
        "SELECT setting, value FROM workspace_settings WHERE workspace = ? ORDER BY setting",
        r -> out.put(r.getString(1), r.getString(2)),
        workspace);
    return out;
  }
}
