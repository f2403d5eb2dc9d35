package io.gpux.registry.mlflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gpux.Gpux;
import io.gpux.config.GpuxSettings;
import io.gpux.registry.PullOptions;
import io.gpux.testing.OnnxModels;
import io.gpux.testing.Tinyproxy;
import io.gpux.testing.mlflow.MlflowServer;
import io.gpux.transfer.TransferListener;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real MLflow server through a real proxy (tinyproxy): plain HTTP, where the proxy forwards
 * each request, and HTTPS, where it only tunnels ({@code CONNECT}) and TLS runs end to end.
 */
class MlflowProxyTest {
  private static final String USER = "bob";
  private static final String PASSWORD = "tunnel-Secret-1";
  @TempDir Path home;
  @TempDir Path work;

  private Gpux gpux(Map<String, String> server, String... keyValues) {
    Map<String, String> env = new HashMap<>(server);
    env.put("GPUX_HOME", home.toString());
    for (int i = 0; i < keyValues.length; i += 2) {
      env.put(keyValues[i], keyValues[i + 1]);
    }
    return Gpux.open(work, GpuxSettings.fromEnvironment(env, home));
  }

  @Test
  void aPullOverHttpGoesThroughTheProxy() throws Exception {
    assumeTrue(Tinyproxy.available(), "tinyproxy is not installed (apt-get install tinyproxy)");
    Map<String, String> server = SharedMlflow.env();
    try (Tinyproxy proxy = Tinyproxy.start(work.resolve("proxy"), USER, PASSWORD);
        Gpux g = gpux(server, "http_proxy", proxy.url(USER, PASSWORD))) {
      g.models().pull("mlflow:adder@champion", PullOptions.defaults(), TransferListener.NONE);
      String host = URI.create(server.get("MLFLOW_TRACKING_URI")).getAuthority();
      List<String> proxied = proxy.requests();
      assertTrue(
          proxied.stream().anyMatch(l -> l.startsWith("GET http://" + host + "/api/2.0/mlflow/")),
          proxied.toString());
      assertTrue(
          proxied.stream().anyMatch(l -> l.contains("/mlflow-artifacts/")),
          "the model's files too: " + proxied);
    }
  }

  @Test
  void aPushAndPullOverHttpsAreTunnelledWithTheProxysCredentials(@TempDir Path dir)
      throws Exception {
    assumeTrue(Tinyproxy.available(), "tinyproxy is not installed (apt-get install tinyproxy)");
    Path project = Files.createDirectories(work.resolve("tunnelled"));
    OnnxModels.addOne(project.resolve("model.onnx"));
    try (MlflowServer server = MlflowServer.start(dir, false, true);
        Tinyproxy proxy = Tinyproxy.start(work.resolve("proxy"), USER, PASSWORD);
        Gpux g =
            gpux(
                server.clientEnv(),
                "MLFLOW_TRACKING_SERVER_CERT_PATH",
                server.certificate().toString(),
                "HTTPS_PROXY",
                proxy.url(USER, PASSWORD))) {
      assertEquals("1", g.models().push("tunnelled", "mlflow:tunnelled-adder", null).version());
      g.models().pull("mlflow:tunnelled-adder/1", PullOptions.defaults(), TransferListener.NONE);
      String host = URI.create(server.url()).getAuthority();
      List<String> proxied = proxy.requests();
      assertTrue(proxied.contains("CONNECT " + host), proxied.toString());
      assertTrue(
          proxied.stream().allMatch(l -> l.startsWith("CONNECT ")),
          "an HTTPS proxy sees tunnels only, never a request: " + proxied);
    }
  }
}
