-- Why a local name moved (pulled, updated, rolled back, pinned, unpinned): gpux history shows it.
-- Rows from before this migration have none (NULL reads as "pulled"). Plain SQL that SQLite and
-- PostgreSQL both accept.
ALTER TABLE tag_history ADD COLUMN action TEXT;
-- Local names that gpux update leaves alone (gpux pin).
CREATE TABLE pins (
  registry TEXT NOT NULL,
  name TEXT NOT NULL,
  tag TEXT NOT NULL,
  pinned_at TEXT NOT NULL,
  PRIMARY KEY (registry, name, tag)
);
