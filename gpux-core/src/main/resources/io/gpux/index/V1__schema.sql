-- The store's index. Plain SQL that SQLite and PostgreSQL both accept.
CREATE TABLE models (
  registry TEXT NOT NULL,
  name TEXT NOT NULL,
  PRIMARY KEY (registry, name)
);
CREATE TABLE versions (
  registry TEXT NOT NULL,
  name TEXT NOT NULL,
  version TEXT NOT NULL,
  requested TEXT,
  pulled_at TEXT NOT NULL,
  source TEXT,
  size_bytes BIGINT NOT NULL,
  manifest_path TEXT NOT NULL,
  PRIMARY KEY (registry, name, version)
);
CREATE TABLE version_files (
  registry TEXT NOT NULL,
  name TEXT NOT NULL,
  version TEXT NOT NULL,
  path TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  size_bytes BIGINT NOT NULL,
  PRIMARY KEY (registry, name, version, path)
);
CREATE INDEX version_files_sha256 ON version_files (sha256);
CREATE TABLE tags (
  registry TEXT NOT NULL,
  name TEXT NOT NULL,
  tag TEXT NOT NULL,
  version TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (registry, name, tag)
);
CREATE TABLE tag_history (
  registry TEXT NOT NULL,
  name TEXT NOT NULL,
  tag TEXT NOT NULL,
  version TEXT NOT NULL,
  moved_at TEXT NOT NULL,
  previous_version TEXT
);
