-- The monitoring history (io.gpux.monitor): what gpux serve measured, one row per model version
-- and interval. A row covers seconds from at: resolution says which tier it is in: the
-- recording interval (raw), 60 (per minute) or 3600 (per hour), as retention rolls old rows up.
-- Counts add up across rows, and latency is kept as histogram buckets (the /metrics buckets,
-- comma-separated, per bucket) rather than percentiles, so rolling up stays exact: percentiles are
-- computed when read. Numbered 6: 5 was taken by another branch, and Migrations accepts gaps.
CREATE TABLE monitor_samples (
  resolution INTEGER NOT NULL,
  at TEXT NOT NULL,
  model TEXT NOT NULL,
  version TEXT NOT NULL,
  provider TEXT,
  seconds DOUBLE PRECISION NOT NULL,
  succeeded BIGINT NOT NULL,
  failed BIGINT NOT NULL,
  bad_input BIGINT NOT NULL,
  model_errors BIGINT NOT NULL,
  overload BIGINT NOT NULL,
  rejected BIGINT NOT NULL,
  request_buckets TEXT NOT NULL,
  queue_buckets TEXT NOT NULL,
  compute_buckets TEXT NOT NULL,
  request_seconds DOUBLE PRECISION NOT NULL,
  queue_seconds DOUBLE PRECISION NOT NULL,
  compute_seconds DOUBLE PRECISION NOT NULL,
  batches BIGINT NOT NULL,
  batch_rows BIGINT NOT NULL,
  inflight_peak BIGINT NOT NULL,
  cpu_cores DOUBLE PRECISION NOT NULL,
  rss_bytes BIGINT NOT NULL,
  memory_limit_bytes BIGINT NOT NULL,
  PRIMARY KEY (resolution, model, version, at)
);
CREATE INDEX monitor_samples_by_time ON monitor_samples (at);
-- What changed while serving: a model started being served, or a version replaced another
-- (gpux serve --follow), with the reference followed so an insight can name the rollback.
CREATE TABLE monitor_events (
  at TEXT NOT NULL,
  model TEXT NOT NULL,
  kind TEXT NOT NULL,
  version TEXT NOT NULL,
  previous TEXT,
  reference TEXT,
  requested_provider TEXT,
  provider TEXT,
  PRIMARY KEY (model, at, kind)
);
CREATE INDEX monitor_events_by_model ON monitor_events (model, at);
-- Benchmarks carry the machine they ran on, so results from several machines compare.
ALTER TABLE benchmarks ADD COLUMN cpu_model TEXT;
ALTER TABLE benchmarks ADD COLUMN cores INTEGER;
ALTER TABLE benchmarks ADD COLUMN ort_version TEXT;
ALTER TABLE benchmarks ADD COLUMN source TEXT
