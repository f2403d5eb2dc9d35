package io.gpux.index;

import java.sql.SQLException;
import java.util.List;

/**
 * The {@code models}, {@code versions} and {@code version_files} tables: which versions each
 * workspace has stored, where their manifests are, and their files by digest. Versions are scoped
 * to a workspace (V11): every query here is the workspace's, except those that say they see every
 * workspace. {@code models} is every workspace's (a model some workspace has). Writes belong inside
 * {@link IndexDatabase#transaction}.
 */
public final class VersionTables {
  private final IndexDatabase db;
  private final String workspace;

  /** The versions of the workspace {@code default}. */
  public VersionTables(IndexDatabase db) {
    this(db, WorkspaceTables.DEFAULT);
  }

  public VersionTables(IndexDatabase db, String workspace) {
    this.db = db;
    this.workspace = workspace;
  }

  public String workspace() {
    return workspace;
  }

  /** Records a version (replacing what was recorded for it). */
  public void insert(VersionRow v) throws SQLException {
    db.exec(
        "INSERT INTO models (registry, name) VALUES (?, ?) ON CONFLICT DO NOTHING",
        v.registry(),
        v.name());
    delete(v.registry(), v.name(), v.version());
    db.exec(
        "INSERT INTO versions (workspace, registry, name, version, requested, pulled_at, source,"
            + " size_bytes, manifest_path) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        workspace,
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
          "INSERT INTO version_files (workspace, registry, name, version, path, sha256,"
              + " size_bytes) VALUES (?, ?, ?, ?, ?, ?, ?)",
          workspace,
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
          "DELETE FROM "
              + table
              + " WHERE workspace = ? AND registry = ? AND name = ? AND version = ?",
          workspace,
          registry,
          name,
          version);
    }
  }

  /** Points a version's row at another manifest file (its workspace's own copy). */
  public void moveManifest(String registry, String name, String version, String manifestPath)
      throws SQLException {
    db.exec(
        "UPDATE versions SET manifest_path = ? WHERE workspace = ? AND registry = ? AND name = ?"
            + " AND version = ?",
        manifestPath,
        workspace,
        registry,
        name,
        version);
  }

  /** Drops a model's row once no workspace has a version of it. */
  public void dropModelIfEmpty(String registry, String name) throws SQLException {
    db.exec(
        "DELETE FROM models WHERE registry = ? AND name = ? AND NOT EXISTS"
            + " (SELECT 1 FROM versions WHERE registry = ? AND name = ?)",
        registry,
        name,
        registry,
        name);
  }

  /** Empties all three tables, of every workspace (before a rebuild from the manifests). */
  public void clear() throws SQLException {
    db.exec("DELETE FROM version_files");
    db.exec("DELETE FROM versions");
    db.exec("DELETE FROM models");
  }

  /** Drops every version of this workspace (the workspace is deleted). */
  public void deleteAll() throws SQLException {
    db.exec("DELETE FROM version_files WHERE workspace = ?", workspace);
    db.exec("DELETE FROM versions WHERE workspace = ?", workspace);
    db.exec(
        "DELETE FROM models WHERE NOT EXISTS (SELECT 1 FROM versions v"
            + " WHERE v.registry = models.registry AND v.name = models.name)");
  }

  public boolean contains(String registry, String name, String version) {
    return !db.strings(
            "SELECT version FROM versions WHERE workspace = ? AND registry = ? AND name = ?"
                + " AND version = ?",
            workspace,
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
    String where = registry == null ? "" : " AND registry = ? AND name = ?";
    String sql =
        "SELECT manifest_path FROM versions WHERE workspace = ?"
            + where
            + " ORDER BY registry, name, pulled_at DESC, version";
    return registry == null
        ? db.strings(sql, workspace)
        : db.strings(sql, workspace, registry, name);
  }

  /** Manifest paths of one model's versions in every workspace, newest pull first. */
  public List<String> manifestPathsEverywhere(String registry, String name) {
    return db.strings(
        "SELECT manifest_path FROM versions WHERE registry = ? AND name = ?"
            + " ORDER BY pulled_at DESC, workspace, version",
        registry,
        name);
  }

  /** Every model with a stored version, as {@code [registry, name]}, sorted. */
  public List<List<String>> models() {
    return db.query(
        "SELECT DISTINCT registry, name FROM versions WHERE workspace = ? ORDER BY registry, name",
        r -> List.of(r.getString(1), r.getString(2)),
        workspace);
  }

  /** The versions of one model, newest pull first. */
  public List<String> versions(String registry, String name) {
    return db.strings(
        "SELECT version FROM versions WHERE workspace = ? AND registry = ? AND name = ?"
            + " ORDER BY pulled_at DESC",
        workspace,
        registry,
        name);
  }

  /**
   * The other workspaces that hold a version of a model ({@code version} null: any version),
   * sorted: what an error names when this workspace lacks it.
   */
  public List<String> elsewhere(String registry, String name, String version) {
    String sql =
        "SELECT DISTINCT workspace FROM versions WHERE workspace <> ? AND registry = ?"
            + " AND name = ?"
            + (version == null ? "" : " AND version = ?")
            + " ORDER BY workspace";
    return version == null
        ? db.strings(sql, workspace, registry, name)
        : db.strings(sql, workspace, registry, name, version);
  }

  /**
   * The versions of every workspace but {@code default}, as {@code [workspace, registry, name,
   * version, manifest_path]}: what a store folder checks once after V11, when a workspace's row may
   * still name the manifest the workspaces shared before.
   */
  public List<List<String>> outsideDefault() {
    return db.query(
        "SELECT workspace, registry, name, version, manifest_path FROM versions"
            + " WHERE workspace <> ? ORDER BY workspace, registry, name, version",
        r ->
            List.of(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5)),
        WorkspaceTables.DEFAULT);
  }
}
