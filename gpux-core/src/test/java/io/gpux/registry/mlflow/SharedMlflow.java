package io.gpux.registry.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gpux.testing.mlflow.MlflowServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * One real MLflow server (basic-auth app) with the fixture models registered by the official
 * client, shared by every MLflow test in the JVM: starting it and logging the models takes tens of
 * seconds. It stops when the JVM exits.
 */
final class SharedMlflow {
  private static MlflowServer server;
  private static JsonNode summary;

  private SharedMlflow() {}

  static synchronized MlflowServer server() throws Exception {
    if (server == null) {
      Path dir = Files.createTempDirectory("gpux-mlflow");
      MlflowServer s = MlflowServer.start(dir, true);
      Runtime.getRuntime().addShutdownHook(new Thread(s::close));
      summary = new ObjectMapper().readTree(s.fixture("setup"));
      server = s;
    }
    return server;
  }

  /** What mlflow_fixture.py setup printed: run ids, the logged model id. */
  static synchronized JsonNode summary() throws Exception {
    server();
    return summary;
  }

  static Map<String, String> env() throws Exception {
    return server().clientEnv();
  }
}
