-- gpux recommend's latency cache (io.gpux.discover.Recommender): what one model file (by its
-- content digest, so the same file in two registries is measured once) took on one machine,
-- measured by the recommendation harness. The machine is the fingerprint: CPU model, cores, the
-- execution provider and the ONNX Runtime version, a row of another machine is never reused.
-- flops is the model's estimated cost, so --no-measure can calibrate an estimate on this
-- machine's rows. Plain SQL that SQLite and PostgreSQL both accept.
CREATE TABLE recommend_latency (
  model_digest TEXT NOT NULL,
  cpu_model TEXT NOT NULL,
  cores INTEGER NOT NULL,
  provider TEXT NOT NULL,
  ort_version TEXT NOT NULL,
  reference TEXT NOT NULL,
  measured_at TEXT NOT NULL,
  warmup INTEGER NOT NULL,
  runs INTEGER NOT NULL,
  p50_ms DOUBLE PRECISION NOT NULL,
  p99_ms DOUBLE PRECISION NOT NULL,
  flops DOUBLE PRECISION NOT NULL,
  PRIMARY KEY (model_digest, cpu_model, cores, provider, ort_version)
);
