package io.gpux.registry.wandb;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gpux.registry.RegistryContract;
import io.gpux.testing.OnnxModels;
import io.gpux.testing.wandb.FakeWandb;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The W&B plug-in against the faithful W&B test server, with an API key the server requires. */
class WandbRegistryContractTest extends RegistryContract {
  static final String KEY = "local-contractSecretKey0123456789abcdefghijklmnop";
  private FakeWandb wb;

  @Override
  protected Map<String, String> startServer() throws Exception {
    Path dir = Files.createDirectories(workDir.resolve("fixture"));
    byte[] model = Files.readAllBytes(OnnxModels.addOne(dir.resolve("model.onnx")));
    wb = FakeWandb.start().requireApiKey(KEY);
    wb.artifact("acme", "mnist", "adder", "model").file("model.onnx", model).commit();
    wb.artifact("acme", "mnist", "adder", "model")
        .file("model.onnx", model)
        .file("notes.txt", "second")
        .aliases("production")
        .commit();
    return env("WANDB_BASE_URL", wb.url(), "WANDB_API_KEY", KEY);
  }

  @Override
  protected void stopServer() {
    if (wb != null) {
      assertEquals(List.of(), wb.unknownOperations(), "every query the plug-in sent is known");
      wb.close();
    }
  }

  @Override
  protected String existingReference() {
    return "wandb:acme/mnist/adder:production";
  }

  @Override
  protected String missingReference() {
    return "wandb:acme/mnist/no-such-artifact:latest";
  }

  @Override
  protected String secret() {
    return KEY;
  }
}
