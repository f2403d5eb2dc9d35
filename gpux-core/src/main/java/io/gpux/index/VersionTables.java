package io.gpux.index;

import java.sql.SQLException;
import java.util.List;

/**
 * The {@code models}, {@code versions} and {@code version_files} tables: which versions each
 * workspace has stored, where their manifests are, and their files by digest. Versions are scoped
 * to a workspace (V11): every query here is the workspace's, except those that say they see every
 * workspace. {@code models} is every workspace's (a model some workspace has). Writes belong inside
 * {@link IndexDatabase#transaction}.
 *
 * <p>Each row also names the store that holds it (V12): on a team's PostgreSQL index every machine
 * has its own files, so what one machine stores, removes or rebuilds is its own rows only. A local
 * SQLite index has one store, {@link #LOCAL}.
 */
public final class VersionTables {
  /** The store id of a local index's one store, and of every row from before V12. */
  public static final String LOCAL = "";

  private final IndexDatabase db;
  private final String workspace;
  private final String store;

  /** The versions of the workspace {@code default}. */
  public VersionTables(IndexDatabase db) {
    this(db, WorkspaceTables.DEFAULT);
  }

  public VersionTables(IndexDatabase db, String workspace) {
    this(db, workspace, LOCAL);
  }

  /** The versions of {@code workspace} that the store {@code store} holds. */
  public VersionTables(IndexDatabase db, String workspace, String store) {
    this.db = db;
    this.workspace = workspace;
    this.store = store;
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
        "INSERT INTO versions (store, workspace, registry, name, version, requested, pulled_at,"
            + " source, size_bytes, manifest_path) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        store,
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
          "INSERT INTO version_files (store, workspace, registry, name, version, path, sha256,"
              + " size_bytes) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
          store,
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
              + " WHERE store = ? AND workspace = ? AND registry = ? AND name = ? AND version = ?",
          store,
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
        "UPDATE versions SET manifest_path = ? WHERE store = ? AND workspace = ? AND registry = ?"
            + " AND name = ? AND version = ?",
        manifestPath,
        store,
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

  /**
   * Drops this store's rows of every workspace (before a rebuild from its manifests), and the
   * models no store has a version of.
   */
  public void clear() throws SQLException {
    db.exec("DELETE FROM version_files WHERE store = ?", store);
    db.exec("DELETE FROM versions WHERE store = ?", store);
    db.exec(
        "DELETE FROM models WHERE NOT EXISTS (SELECT 1 FROM versions v"
            + " WHERE v.registry = models.registry AND v.name = models.name)");
  }

  /** Drops every version of this workspace, in every store (the workspace is deleted). */
  public void deleteAll() throws SQLException {
    db.exec("DELETE FROM version_files WHERE workspace = ?", workspace);
    db.exec("DELETE FROM versions WHERE workspace = ?", workspace);
    db.exec(
        "DELETE FROM models WHERE NOT EXISTS (SELECT 1 FROM versions v"
            + " WHERE v.registry = models.registry AND v.name = models.name)");
  }

  public boolean contains(String registry, String name, String version) {
    return !db.strings(
            "SELECT version FROM versions WHERE store = ? AND workspace = ? AND registry = ?"
                + " AND name = ? AND version = ?",
            store,
            workspace,
            registry,
            name,
            version)
        .isEmpty();
  }

  /** Whether any store (any machine of a shared index) holds this version in this workspace. */
  public boolean heldByAnyStore(String registry, String name, String version) {
    return !db.strings(
            "SELECT store FROM versions WHERE workspace = ? AND registry = ? AND name = ?"
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
        "SELECT manifest_path FROM versions WHERE store = ? AND workspace = ?"
            + where
            + " ORDER BY registry, name, pulled_at DESC, version";
    return registry == null
        ? db.strings(sql, store, workspace)
        : db.strings(sql, store, workspace, registry, name);
  }

  /** Manifest paths of one model's versions in every workspace of this store, newest first. */
  public List<String> manifestPathsEverywhere(String registry, String name) {
    return db.strings(
        "SELECT manifest_path FROM versions WHERE store = ? AND registry = ? AND name = ?"
            + " ORDER BY pulled_at DESC, workspace, version",
        store,
        registry,
        name);
  }

  /** Every model with a stored version, as {@code [registry, name]}, sorted. */
  public List<List<String>> models() {
    return db.query(
        "SELECT DISTINCT registry, name FROM versions WHERE store = ? AND workspace = ?"
            + " ORDER BY registry, name",
        r -> List.of(r.getString(1), r.getString(2)),
        store,
        workspace);
  }

  /** The versions of one model, newest pull first. */
  public List<String> versions(String registry, String name) {
    return db.strings(
        "SELECT version FROM versions WHERE store = ? AND workspace = ? AND registry = ?"
            + " AND name = ? ORDER BY pulled_at DESC",
        store,
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
        "SELECT DISTINCT workspace FROM versions WHERE store = ? AND workspace <> ?"
            + " AND registry = ? AND name = ?"
            + (version == null ? "" : " AND version = ?")
            + " ORDER BY workspace";
    return version == null
        ? db.strings(sql, store, workspace, registry, name)
        : db.strings(sql, store, workspace, registry, name, version);
  }

  /**
   * The versions of every workspace but {@code default}, as {@code [workspace, registry, name,
   * version, manifest_path]}: what a store folder checks once after V11, when a workspace's row may
   * still name the manifest the workspaces shared before.
   */
  public List<List<String>> outsideDefault() {
    return db.query(
        "SELECT workspace, registry, name, version, manifest_path FROM versions"
            + " WHERE store = ? AND workspace <> ? ORDER BY workspace, registry, name, version",
        r ->
            List.of(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5)),
        store,
        WorkspaceTables.DEFAULT);
  }

  /**
   * The rows from before V12 (store {@link #LOCAL}) of every workspace, as {@code [workspace,
   * registry, name, version, manifest_path]}: on a shared index each machine adopts those whose
   * manifest it holds ({@link #adopt}).
   */
  public List<List<String>> unowned() {
    return db.query(
        "SELECT workspace, registry, name, version, manifest_path FROM versions WHERE store = ?"
            + " ORDER BY workspace, registry, name, version",
        r ->
            List.of(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5)),
        LOCAL);
  }

  /** Copies a pre-V12 row of this workspace (and its files) into this store, once. */
  public void adopt(String registry, String name, String version) throws SQLException {
    if (contains(registry, name, version)) {
      return;
    }
    db.exec(
        "INSERT INTO versions (store, workspace, registry, name, version, requested, pulled_at,"
            + " source, size_bytes, manifest_path) SELECT ?, workspace, registry, name, version,"
            + " requested, pulled_at, source, size_bytes, manifest_path FROM versions"
            + " WHERE store = ? AND workspace = ? AND registry = ? AND name = ? AND version = ?",
        store,
        LOCAL,
        workspace,
        registry,
        name,
        version);
    db.exec(
        "INSERT INTO version_files (store, workspace, registry, name, version, path, sha256,"
            + " size_bytes) SELECT ?, workspace, registry, name, version, path, sha256, size_bytes"
            + " FROM version_files"
            + " WHERE store = ? AND workspace = ? AND registry = ? AND name = ? AND version = ?",
        store,
        LOCAL,
        workspace,
        registry,
        name,
        version);
  }
}
