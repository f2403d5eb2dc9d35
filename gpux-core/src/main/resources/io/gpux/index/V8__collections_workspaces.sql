-- Workspaces and collections. A workspace has its own local names (tags), pins, tag history,
-- collections and registry settings, while blobs and manifests stay shared (one copy of each file).
-- Tags, pins and tag_history are rebuilt with the workspace in their key, and every row they held
-- moves into the workspace 'default'. Plain SQL that SQLite and PostgreSQL both accept.
CREATE TABLE workspaces (
  name TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (name)
);
INSERT INTO workspaces (name, created_at) VALUES ('default', '1970-01-01T00:00:00.000000000Z');
-- Per-workspace registry settings (endpoints, entities), never secrets.
CREATE TABLE workspace_settings (
  workspace TEXT NOT NULL,
  setting TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (workspace, setting)
);
-- Which workspaces pulled a stored version: gpux rm in one keeps what another still uses.
CREATE TABLE workspace_versions (
  workspace TEXT NOT NULL,
  registry TEXT NOT NULL,
  name TEXT NOT NULL,
  version TEXT NOT NULL,
  claimed_at TEXT NOT NULL,
  PRIMARY KEY (workspace, registry, name, version)
);
INSERT INTO workspace_versions (workspace, registry, name, version, claimed_at)
  SELECT 'default', registry, name, version, pulled_at FROM versions;
CREATE TABLE tags_v8 (
  workspace TEXT NOT NULL,
  registry TEXT NOT NULL,
  name TEXT NOT NULL,
  tag TEXT NOT NULL,
  version TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (workspace, registry, name, tag)
);
INSERT INTO tags_v8 (workspace, registry, name, tag, version, updated_at)
  SELECT 'default', registry, name, tag, version, updated_at FROM tags;
DROP TABLE tags;
ALTER TABLE tags_v8 RENAME TO tags;
CREATE TABLE pins_v8 (
  workspace TEXT NOT NULL,
  registry TEXT NOT NULL,
  name TEXT NOT NULL,
  tag TEXT NOT NULL,
  pinned_at TEXT NOT NULL,
  PRIMARY KEY (workspace, registry, name, tag)
);
INSERT INTO pins_v8 (workspace, registry, name, tag, pinned_at)
  SELECT 'default', registry, name, tag, pinned_at FROM pins;
DROP TABLE pins;
ALTER TABLE pins_v8 RENAME TO pins;
CREATE TABLE tag_history_v8 (
  workspace TEXT NOT NULL,
  registry TEXT NOT NULL,
  name TEXT NOT NULL,
  tag TEXT NOT NULL,
  seq BIGINT NOT NULL,
  version TEXT NOT NULL,
  moved_at TEXT NOT NULL,
  previous_version TEXT,
  action TEXT,
  PRIMARY KEY (workspace, registry, name, tag, seq)
);
INSERT INTO tag_history_v8
  (workspace, registry, name, tag, seq, version, moved_at, previous_version, action)
  SELECT 'default', registry, name, tag, seq, version, moved_at, previous_version, action
  FROM tag_history;
DROP TABLE tag_history;
ALTER TABLE tag_history_v8 RENAME TO tag_history;
-- A collection: a named list of model references from any registry, in one workspace.
CREATE TABLE collections (
  workspace TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT,
  source TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (workspace, name)
);
-- One item: the reference as kept (exact when pinned, the movable name with follow = 1), the
-- model it names and, when pinned, its exact version.
CREATE TABLE collection_items (
  workspace TEXT NOT NULL,
  collection TEXT NOT NULL,
  reference TEXT NOT NULL,
  position BIGINT NOT NULL,
  registry TEXT NOT NULL,
  name TEXT NOT NULL,
  version TEXT,
  follow INTEGER NOT NULL,
  requested TEXT NOT NULL,
  note TEXT,
  added_at TEXT NOT NULL,
  PRIMARY KEY (workspace, collection, reference)
);
CREATE INDEX collection_items_by_model ON collection_items (registry, name, version)
