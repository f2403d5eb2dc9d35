package io.gpux.registry.mlflow;

import static io.gpux.registry.mlflow.MlflowApi.params;

import com.fasterxml.jackson.databind.JsonNode;
import io.gpux.error.GpuxException;
import java.util.Map;
import java.util.Set;

/** The source run of a model as lineage: its experiment, user, params, metrics and tags. */
final class MlflowLineage {
  /** Tags the client writes for its own bookkeeping: large, and not provenance. */
  private static final Set<String> NOISE =
      Set.of("mlflow.log-model.history", "mlflow.source.git.repoURL");

  private final MlflowApi api;

  MlflowLineage(MlflowApi api) {
    this.api = api;
  }

  void addRun(String runId, Map<String, String> out) {
    out.put("run_id", runId);
    JsonNode run;
    try {
      run = api.get("runs/get", params("run_id", runId)).path("run");
    } catch (GpuxException e) {
      // A deleted run, or one the user may not read, costs the run's details, not the pull.
      out.put("run.unavailable", e.problem());
      return;
    }
    JsonNode info = run.path("info");
    put(out, "experiment_id", info.path("experiment_id"));
    put(out, "run.name", info.path("run_name"));
    put(out, "run.user", info.path("user_id"));
    put(out, "run.status", info.path("status"));
    if (info.has("start_time")) {
      out.put(
          "run.start_time",
          java.time.Instant.ofEpochMilli(info.path("start_time").asLong()).toString());
    }
    JsonNode data = run.path("data");
    for (JsonNode p : data.path("params")) {
      out.put("param." + p.path("key").asText(), MlflowRegistry.clip(p.path("value").asText()));
    }
    for (JsonNode m : data.path("metrics")) {
      out.put("metric." + m.path("key").asText(), m.path("value").asText());
    }
    for (JsonNode t : data.path("tags")) {
      String key = t.path("key").asText();
      if (!NOISE.contains(key)) {
        out.put("tag." + key, MlflowRegistry.clip(t.path("value").asText()));
      }
    }
  }

  private static void put(Map<String, String> out, String key, JsonNode v) {
    if (v.isValueNode() && !v.asText().isEmpty()) {
      out.put(key, v.asText());
    }
  }
}
