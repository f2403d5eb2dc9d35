-- Two changes. A benchmark's key gains its batch size and source: gpux compare --measure times a model at
-- batch 1 and at its own batch size in one go, and a batch curve (several batch sizes) is what the
-- queue-dominates insight estimates its gain from, so rows of one model, provider and instant
-- differ by batch size (and by the command that measured them). The table is rebuilt, the portable
-- way to change a primary key in both SQLite and PostgreSQL. Rows from before V6 have no source:
-- they are gpux batch benchmark's.
CREATE TABLE benchmarks_v9 (
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
  PRIMARY KEY (measured_at, model, provider, batch_size, source)
);
INSERT INTO benchmarks_v9 (measured_at, model, model_file, provider, batch_size, warmup, runs,
  mean_ms, median_ms, p95_ms, p99_ms, min_ms, max_ms, throughput_per_s, gpux_version, cpu_model,
  cores, ort_version, source)
SELECT measured_at, model, model_file, provider, batch_size, warmup, runs, mean_ms, median_ms,
  p95_ms, p99_ms, min_ms, max_ms, throughput_per_s, gpux_version, cpu_model, cores, ort_version,
  COALESCE(source, 'batch benchmark')
FROM benchmarks;
DROP INDEX benchmarks_by_model;
DROP TABLE benchmarks;
ALTER TABLE benchmarks_v9 RENAME TO benchmarks;
CREATE INDEX benchmarks_by_model ON benchmarks (model, measured_at);
-- The dashboard over a week of 20 models (280,000 rows) read in over a second: one model's series
-- went through the time index and skipped the other 19 models' rows, and the overview's totals
-- fetched every row (buckets and all) to add up a few counts. One model's rows by time, and the
-- time index widened to cover what the totals add, so neither reads the table.
CREATE INDEX monitor_samples_by_model ON monitor_samples (model, at);
DROP INDEX monitor_samples_by_time;
CREATE INDEX monitor_samples_by_time ON monitor_samples (at, model, version, succeeded, failed,
  seconds, rss_bytes, provider)
