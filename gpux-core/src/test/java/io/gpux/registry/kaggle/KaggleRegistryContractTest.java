package io.gpux.registry.kaggle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gpux.registry.RegistryContract;
import io.gpux.testing.OnnxModels;
import io.gpux.testing.kaggle.FakeKaggle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The Kaggle plug-in against the faithful Kaggle test server, with an API token it requires. */
class KaggleRegistryContractTest extends RegistryContract {
  static final String TOKEN = "KGAT_contract0123456789abcdefghijklmnop";
  private FakeKaggle kaggle;

  @Override
  protected Map<String, String> startServer() throws Exception {
    Path dir = Files.createDirectories(workDir.resolve("fixture"));
    byte[] model = Files.readAllBytes(OnnxModels.addOne(dir.resolve("model.onnx")));
    kaggle = FakeKaggle.start().requireToken(TOKEN).requireAuth();
    kaggle.publish("acme", "adder", "ONNX", "default", Map.of("model.onnx", model));
    Map<String, byte[]> second = new LinkedHashMap<>();
    second.put("model.onnx", model);
    second.put("notes.txt", "second".getBytes(StandardCharsets.UTF_8));
    kaggle.publish("acme", "adder", "ONNX", "default", second);
    return env("KAGGLE_API_ENDPOINT", kaggle.url(), "KAGGLE_API_TOKEN", TOKEN);
  }

  @Override
  protected void stopServer() {
    if (kaggle != null) {
      assertEquals(List.of(), kaggle.unknownRequests(), "every request the plug-in sent is known");
      assertEquals(List.of(), kaggle.credentialedDownloads(), "no token reaches the storage host");
      kaggle.close();
    }
  }

  @Override
  protected String existingReference() {
    return "kaggle:acme/adder/onnx/default";
  }

  @Override
  protected String missingReference() {
    return "kaggle:acme/no-such-model/onnx/default";
  }

  @Override
  protected String secret() {
    return TOKEN;
  }
}
