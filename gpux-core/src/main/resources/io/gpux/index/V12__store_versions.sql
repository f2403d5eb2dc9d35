-- Which versions a store holds is the store's own: on a team's PostgreSQL index every machine keeps
-- its own files (GPUX_HOME), so a version row names the store it is in (the id in GPUX_HOME/store-id,
-- made on first use). Without it, gpux rm on one machine took the version out of every machine's
-- list, and a rebuild of one machine's index emptied everyone's. A local SQLite index belongs to one
-- store, whose id is '' (so is every row from before). Plain SQL that SQLite and PostgreSQL accept.
CREATE TABLE versions_v12 (
  store TEXT NOT NULL,
  workspace TEXT NOT NULL,
  registry TEXT NOT NULL,
  name TEXT NOT NULL,
  version TEXT NOT NULL,
  requested TEXT,
  pulled_at TEXT NOT NULL,
  source TEXT,
  size_bytes BIGINT NOT NULL,
  manifest_path TEXT NOT NULL,
  PRIMARY KEY (store, workspace, registry, name, version)
);
INSERT INTO versions_v12
  (store, workspace, registry, name, version, requested, pulled_at, source, size_bytes,
   manifest_path)
  SELECT '', workspace, registry, name, version, requested, pulled_at, source, size_bytes,
         manifest_path
  FROM versions;
CREATE TABLE version_files_v12 (
  store TEXT NOT NULL,
  workspace TEXT NOT NULL,
  registry TEXT NOT NULL,
  name TEXT NOT NULL,
  version TEXT NOT NULL,
  path TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  size_bytes BIGINT NOT NULL,
  PRIMARY KEY (store, workspace, registry, name, version, path)
);
INSERT INTO version_files_v12 (store, workspace, registry, name, version, path, sha256, size_bytes)
  SELECT '', workspace, registry, name, version, path, sha256, size_bytes FROM version_files;
DROP TABLE version_files;
ALTER TABLE version_files_v12 RENAME TO version_files;
CREATE INDEX version_files_by_sha256 ON version_files (sha256);
DROP TABLE versions;
ALTER TABLE versions_v12 RENAME TO versions;
CREATE INDEX versions_by_pull ON versions (store, workspace, registry, name, pulled_at)
