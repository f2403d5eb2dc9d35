-- tag_history gets a primary key: a sequence number per tag, since two moves can share a
-- timestamp. Plain SQL that SQLite and PostgreSQL both accept.
CREATE TABLE tag_history_v2 (
  registry TEXT NOT NULL,
  name TEXT NOT NULL,
  tag TEXT NOT NULL,
  seq BIGINT NOT NULL,
  version TEXT NOT NULL,
  moved_at TEXT NOT NULL,
  previous_version TEXT,
  PRIMARY KEY (registry, name, tag, seq)
);
INSERT INTO tag_history_v2 (registry, name, tag, seq, version, moved_at, previous_version)
  SELECT registry, name, tag,
         ROW_NUMBER() OVER (PARTITION BY registry, name, tag ORDER BY moved_at),
         version, moved_at, previous_version
  FROM tag_history;
DROP TABLE tag_history;
ALTER TABLE tag_history_v2 RENAME TO tag_history;
-- "Newest pull first" is the common query.
CREATE INDEX versions_pulled_at ON versions (registry, name, pulled_at);
