package io.gpux.registry.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gpux.testing.mlflow.MlflowServer;
import java.util.Map;

/**
 * The build's one real MLflow server (basic-auth app) with the fixture models registered by the
 * official client ({@link MlflowServer#shared()}): every MLflow test of every module uses it.
 */
final class SharedMlflow {
  private static JsonNode summary;

  private SharedMlflow() {}

  static MlflowServer server() throws Exception {
    return MlflowServer.shared();
  }

  /** What mlflow_fixture.py setup printed: run ids, the logged model id. */
  static synchronized JsonNode summary() throws Exception {
    if (summary == null) {
      summary = new ObjectMapper().readTree(server().fixtureSummary());
    }
    return summary;
  }

  static Map<String, String> env() throws Exception {
    return server().clientEnv();
  }
}
