package io.gpux.registry.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gpux.registry.RegistryContract;
import io.gpux.testing.zoo.ZooFixtures;
import io.gpux.testing.zoo.ZooServer;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;

/**
 * The zoo plug-in against the zoo test server ({@code GPUX_ONNX_ZOO_URL}). A mirror takes no
 * credentials, so the secret is a Hub token in the environment: it must go nowhere, not even to the
 * mirror.
 */
class ZooRegistryContractTest extends RegistryContract {
  private static final String TOKEN = "hf_zooContractSecret0123456789";
  private ZooServer zoo;

  @Override
  protected Map<String, String> startServer() {
    zoo = ZooServer.start();
    ZooFixtures.addAdder(zoo, workDir.resolve("fixture"));
    return env("GPUX_ONNX_ZOO_URL", zoo.url(), "HF_TOKEN", TOKEN);
  }

  @Override
  protected void stopServer() {
    if (zoo != null) {
      zoo.close();
    }
  }

  @AfterEach
  void theClientAskedOnlyForWhatTheZooServes() {
    assertEquals(java.util.List.of(), zoo.unknownRequests());
  }

  @Override
  protected String existingReference() {
    return "zoo:Adder";
  }

  @Override
  protected String missingReference() {
    return "zoo:no-such-model";
  }

  @Override
  protected String secret() {
    return TOKEN;
  }
}
