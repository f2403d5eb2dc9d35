-- gpux batch benchmark's measurements, one row per model timed, kept for the monitoring and
-- recommendation features (which provider, batch size and model ran how fast on this machine).
-- Like tags, they live only here: an index rebuilt after a loss starts them afresh. Plain SQL
-- that SQLite and PostgreSQL both accept.
CREATE TABLE benchmarks (
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
  PRIMARY KEY (measured_at, model, provider)
);
CREATE INDEX benchmarks_by_model ON benchmarks (model, measured_at);
