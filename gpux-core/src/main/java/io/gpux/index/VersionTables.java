package io.gpux.index;

import java.sql.SQLException;
import java.util.List;

/**
 * The {@code models}, {@code versions} and {@code version_files} tables: which versions are stored,
 * where their manifests are, and their files by digest. Writes belong inside {@link
 * IndexDatabase#transaction}.
 */
public final class VersionTables {
  private final IndexDatabase db;

  public VersionTables(IndexDatabase db) {
    this.db = db;
  }

  /** Records a version (replacing what was recorded for it). */
  public void insert(VersionRow v) throws SQLException {
    db.exec(
        "INSERT INTO models (registry, name) VALUES (?, ?) ON CONFLICT DO NOTHING",
        v.registry(),
        v.name());
    delete(v.registry(), v.name(), v.version());
    db.exec(
        "INSERT INTO versions (registry, name, version, requested, pulled_at, source, size_bytes,"
            + " manifest_path) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        v.registry(),
        v.name(),
        v.version(),
        v.requested(),
        IndexDatabase.time(v.pulledAt()),
        v.source(),
        v.sizeBytes(),
        v.manifestPath());
    for (VersionRow.FileRow f : v.files()) {
      db.exec(
          "INSERT INTO version_files (registry, name, version, path, sha256, size_bytes)"
              + " VALUES (?, ?, ?, ?, ?, ?)",
          v.registry(),
          v.name(),
          v.version(),
          f.path(),
          f.sha256(),
          f.sizeBytes());
    }
  }

  /** Drops a version's rows (not its model's, see {@link #dropModelIfEmpty}). */
  public void delete(String registry, String name, String version) throws SQLException {
    for (String table : new String[] {"versions", "version_files"}) {
      db.exec(
          "DELETE FROM " + table + " WHERE registry = ? AND name = ? AND version = ?",
          registry,
          name,
          version);
    }
  }

  /** Drops a model's row once none of its versions is left. */
  public void dropModelIfEmpty(String registry, String name) throws SQLException {
    db.exec(
        "DELETE FROM models WHERE registry = ? AND name = ? AND NOT EXISTS"
            + " (SELECT 1 FROM versions WHERE registry = ? AND name = ?)",
        registry,
        name,
        registry,
        name);
  }

  /** Empties all three tables (before a rebuild from the manifests). */
  public void clear() throws SQLException {
    db.exec("DELETE FROM version_files");
    db.exec("DELETE FROM versions");
    db.exec("DELETE FROM models");
  }

  public boolean contains(String registry, String name, String version) {
    return !db.strings(
            "SELECT version FROM versions WHERE registry = ? AND name = ? AND version = ?",
            registry,
            name,
            version)
        .isEmpty();
  }

  /**
   * Manifest paths of one model's versions, or of all ({@code registry} null), grouped by model,
   * newest pull first.
   */
  public List<String> manifestPaths(String registry, String name) {
    String where = registry == null ? "" : " WHERE registry = ? AND name = ?";
    String sql =
        "SELECT manifest_path FROM versions"
            + where
            + " ORDER BY registry, name, pulled_at DESC, version";
    return registry == null ? db.strings(sql) : db.strings(sql, registry, name);
  }

  /** Every model with a stored version, as {@code [registry, name]}, sorted. */
  public List<List<String>> models() {
    return db.query(
        "SELECT DISTINCT registry, name FROM versions ORDER BY registry, name",
        r -> List.of(r.getString(1), r.getString(2)));
  }

  /** The versions of one model, newest pull first. */
  public List<String> versions(String registry, String name) {
    return db.strings(
        "SELECT version FROM versions WHERE registry = ? AND name = ? ORDER BY pulled_at DESC",
        registry,
        name);
  }
}
