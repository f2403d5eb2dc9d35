-- Stored versions are scoped to workspaces: the workspace becomes part of the key of versions and
-- version_files, as it is of tags. Two workspaces pointed at different registry endpoints (two
-- MLflow servers or MLflow workspaces, two W&B entities, two Hubs) may each hold their own
-- mlflow:NAME/3, and a version one workspace pulled is not another's. Blobs stay shared: each
-- workspace has its own manifest (a small file) naming the same blobs.
-- Every workspace that claimed a version (V8's workspace_versions) gets its own row; a version
-- nobody claimed goes to 'default'. The rows of a workspace other than 'default' still name the
-- shared manifest file: the store copies it into that workspace's folder on its next open.
-- Plain SQL that SQLite and PostgreSQL both accept.
CREATE TABLE versions_v11 (
  workspace TEXT NOT NULL,
  registry TEXT NOT NULL,
  name TEXT NOT NULL,
  version TEXT NOT NULL,
  requested TEXT,
  pulled_at TEXT NOT NULL,
  source TEXT,
  size_bytes BIGINT NOT NULL,
  manifest_path TEXT NOT NULL,
  PRIMARY KEY (workspace, registry, name, version)
);
INSERT INTO versions_v11
  (workspace, registry, name, version, requested, pulled_at, source, size_bytes, manifest_path)
  SELECT w.workspace, v.registry, v.name, v.version, v.requested, v.pulled_at, v.source,
         v.size_bytes, v.manifest_path
  FROM versions v JOIN workspace_versions w
    ON w.registry = v.registry AND w.name = v.name AND w.version = v.version;
INSERT INTO versions_v11
  (workspace, registry, name, version, requested, pulled_at, source, size_bytes, manifest_path)
  SELECT 'default', v.registry, v.name, v.version, v.requested, v.pulled_at, v.source,
         v.size_bytes, v.manifest_path
  FROM versions v
  WHERE NOT EXISTS (SELECT 1 FROM workspace_versions w
    WHERE w.registry = v.registry AND w.name = v.name AND w.version = v.version);
CREATE TABLE version_files_v11 (
  workspace TEXT NOT NULL,
  registry TEXT NOT NULL,
  name TEXT NOT NULL,
  version TEXT NOT NULL,
  path TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  size_bytes BIGINT NOT NULL,
  PRIMARY KEY (workspace, registry, name, version, path)
);
INSERT INTO version_files_v11 (workspace, registry, name, version, path, sha256, size_bytes)
  SELECT v.workspace, f.registry, f.name, f.version, f.path, f.sha256, f.size_bytes
  FROM version_files f JOIN versions_v11 v
    ON v.registry = f.registry AND v.name = f.name AND v.version = f.version;
DROP TABLE version_files;
ALTER TABLE version_files_v11 RENAME TO version_files;
CREATE INDEX version_files_by_sha256 ON version_files (sha256);
DROP TABLE versions;
ALTER TABLE versions_v11 RENAME TO versions;
CREATE INDEX versions_by_pull ON versions (workspace, registry, name, pulled_at);
-- Which workspace uses a version is now the versions table itself.
DROP TABLE workspace_versions
