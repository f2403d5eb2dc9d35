package io.gpux.registry.mlflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gpux.Gpux;
import io.gpux.config.GpuxSettings;
import io.gpux.error.GpuxException;
import io.gpux.registry.PullOptions;
import io.gpux.testing.OnnxModels;
import io.gpux.testing.Slow;
import io.gpux.testing.mlflow.MlflowServer;
import io.gpux.transfer.TransferListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An MLflow server on HTTPS with a self-signed certificate: MLflow's TLS variables. */
@Slow
class MlflowTlsTest {
  private static MlflowServer server;
  @TempDir Path home;
  @TempDir Path work;

  @BeforeAll
  static void start(@TempDir Path dir) throws Exception {
    server = MlflowServer.start(dir, false, true, true);
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  private Gpux gpux(String... keyValues) {
    Map<String, String> env = new HashMap<>();
    env.put("MLFLOW_TRACKING_URI", server.url());
    env.put("MLFLOW_TRACKING_CLIENT_CERT_PATH", server.clientCertificate().toString());
    env.put("GPUX_HOME", home.toString());
    for (int i = 0; i < keyValues.length; i += 2) {
      env.put(keyValues[i], keyValues[i + 1]);
    }
    return Gpux.open(work, GpuxSettings.fromEnvironment(env, home));
  }

  @Test
  void aServerDemandingAClientCertificateGetsTheOneGivenAndNoneOtherwise() throws Exception {
    Path project = Files.createDirectories(work.resolve("mtls"));
    OnnxModels.addOne(project.resolve("model.onnx"));
    String trust = server.certificate().toString();
    try (Gpux g = gpux("MLFLOW_TRACKING_SERVER_CERT_PATH", trust)) {
      assertEquals("1", g.models().push("mtls", "mlflow:mtls-adder", null).version());
      // (The socket path of large files shows it too: SocketFetchTest.)
      g.models().pull("mlflow:mtls-adder/1", PullOptions.defaults(), TransferListener.NONE);
    }
    try (Gpux g =
        gpux("MLFLOW_TRACKING_SERVER_CERT_PATH", trust, "MLFLOW_TRACKING_CLIENT_CERT_PATH", "")) {
      GpuxException e =
          assertThrows(
              GpuxException.class,
              () ->
                  g.models()
                      .pull("mlflow:mtls-adder/1", PullOptions.defaults(), TransferListener.NONE));
      assertTrue(e.hint().contains("MLFLOW_TRACKING_CLIENT_CERT_PATH"), e + " / " + e.hint());
    }
    Path keyOnly = work.resolve("key-only.pem");
    Files.writeString(keyOnly, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
    GpuxException bad =
        assertThrows(
            GpuxException.class,
            () -> {
              try (Gpux g =
                  gpux(
                      "MLFLOW_TRACKING_SERVER_CERT_PATH",
                      trust,
                      "MLFLOW_TRACKING_CLIENT_CERT_PATH",
                      keyOnly.toString())) {
                g.models()
                    .pull("mlflow:mtls-adder/1", PullOptions.defaults(), TransferListener.NONE);
              }
            });
    assertTrue(bad.getMessage().contains("key-only.pem"), bad.getMessage());
  }

  @Test
  void theServerCertificatePathOrInsecureTlsLetPushAndPullThrough() throws Exception {
    Path project = Files.createDirectories(work.resolve("project"));
    OnnxModels.addOne(project.resolve("model.onnx"));
    try (Gpux g = gpux()) {
      GpuxException e =
          assertThrows(
              GpuxException.class, () -> g.models().push("project", "mlflow:tls-adder", null));
      assertTrue(e.hint().contains("MLFLOW_TRACKING_SERVER_CERT_PATH"), e.hint());
    }
    try (Gpux g = gpux("MLFLOW_TRACKING_SERVER_CERT_PATH", server.certificate().toString())) {
      assertEquals("1", g.models().push("project", "mlflow:tls-adder", "prod").version());
      g.models().pull("mlflow:tls-adder@prod", PullOptions.defaults(), TransferListener.NONE);
    }
    try (Gpux g = gpux("MLFLOW_TRACKING_INSECURE_TLS", "true")) {
      assertEquals(
          "1",
          g.models()
              .pull("mlflow:tls-adder/1", PullOptions.defaults(), TransferListener.NONE)
              .manifest()
              .version());
    }
  }
}
