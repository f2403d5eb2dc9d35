-- gpux search's recent answers, one row per registry and query as it was sent, so a repeated
-- search within minutes does not ask the registries again and GPUX_OFFLINE=1 can search what was
-- last seen. A cache: an index rebuilt after a loss starts it empty. Plain SQL that SQLite and
-- PostgreSQL both accept.
CREATE TABLE search_cache (
  registry TEXT NOT NULL,
  query_key TEXT NOT NULL,
  fetched_at TEXT NOT NULL,
  answer TEXT NOT NULL,
  PRIMARY KEY (registry, query_key)
);
