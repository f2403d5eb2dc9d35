-- The monitoring history and the benchmarks belong to a workspace, as its local names and
-- collections do: two teams serving the same model name on one shared index keep their own
-- histories, insights and dashboards. The three tables are rebuilt with the workspace first in
-- their key (the portable way to change a primary key in SQLite and PostgreSQL, as V8 and V9 do),
-- and every row they held moves into the workspace 'default'. gpux recommend's latency cache (V7)
-- stays shared: a row is what one file took on one machine, whichever workspace measured it.
-- Dropping a table drops its indexes on both databases, so each index is created again after.
CREATE TABLE monitor_samples_v10 (
  workspace TEXT NOT NULL,
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
  PRIMARY KEY (workspace, resolution, model, version, at)
);
INSERT INTO monitor_samples_v10 (workspace, resolution, at, model, version, provider, seconds,
  succeeded, failed, bad_input, model_errors, overload, rejected, request_buckets, queue_buckets,
  compute_buckets, request_seconds, queue_seconds, compute_seconds, batches, batch_rows,
  inflight_peak, cpu_cores, rss_bytes, memory_limit_bytes)
SELECT 'default', resolution, at, model, version, provider, seconds, succeeded, failed, bad_input,
  model_errors, overload, rejected, request_buckets, queue_buckets, compute_buckets,
  request_seconds, queue_seconds, compute_seconds, batches, batch_rows, inflight_peak, cpu_cores,
  rss_bytes, memory_limit_bytes
FROM monitor_samples;
DROP TABLE monitor_samples;
ALTER TABLE monitor_samples_v10 RENAME TO monitor_samples;
-- V9's two read paths, now within a workspace: one model's rows by time, and the time index that
-- covers what the dashboard's overview adds up.
CREATE INDEX monitor_samples_by_model ON monitor_samples (workspace, model, at);
CREATE INDEX monitor_samples_by_time ON monitor_samples (workspace, at, model, version, succeeded,
  failed, seconds, rss_bytes, provider);
CREATE TABLE monitor_events_v10 (
  workspace TEXT NOT NULL,
  at TEXT NOT NULL,
  model TEXT NOT NULL,
  kind TEXT NOT NULL,
  version TEXT NOT NULL,
  previous TEXT,
  reference TEXT,
  requested_provider TEXT,
  provider TEXT,
  PRIMARY KEY (workspace, model, at, kind)
);
INSERT INTO monitor_events_v10 (workspace, at, model, kind, version, previous, reference,
  requested_provider, provider)
SELECT 'default', at, model, kind, version, previous, reference, requested_provider, provider
FROM monitor_events;
DROP TABLE monitor_events;
ALTER TABLE monitor_events_v10 RENAME TO monitor_events;
CREATE INDEX monitor_events_by_model ON monitor_events (workspace, model, at);
CREATE TABLE benchmarks_v10 (
  workspace TEXT NOT NULL,
  measured_at TEXT NOT NULL,
  model TEXT NOT NULL,
  model_file TEXT,
  provider TEXT NOT NULL,
  batch_size BIGINT NOT NULL,
  warmup INTEGER NOT NULL,
  runs INTEGER NOT NULL,
  mean_ms DOUBLE PRECISION NOT NULL,
  median_ms DOUBLE PRECISION NOT NULL,
  p95_ms DOUBLE PRECISION NOT NULL,
  p99_ms DOUBLE PRECISION NOT NULL,
  min_ms DOUBLE PRECISION NOT NULL,
  max_ms DOUBLE PRECISION NOT NULL,
  throughput_per_s DOUBLE PRECISION NOT NULL,
  gpux_version TEXT NOT NULL,
  cpu_model TEXT,
  cores INTEGER,
  ort_version TEXT,
  source TEXT NOT NULL,
  PRIMARY KEY (workspace, measured_at, model, provider, batch_size, source)
);
INSERT INTO benchmarks_v10 (workspace, measured_at, model, model_file, provider, batch_size,
  warmup, runs, mean_ms, median_ms, p95_ms, p99_ms, min_ms, max_ms, throughput_per_s,
  gpux_version, cpu_model, cores, ort_version, source)
SELECT 'default', measured_at, model, model_file, provider, batch_size, warmup, runs, mean_ms,
  median_ms, p95_ms, p99_ms, min_ms, max_ms, throughput_per_s, gpux_version, cpu_model, cores,
  ort_version, source
FROM benchmarks;
DROP TABLE benchmarks;
ALTER TABLE benchmarks_v10 RENAME TO benchmarks;
CREATE INDEX benchmarks_by_model ON benchmarks (workspace, model, measured_at)
