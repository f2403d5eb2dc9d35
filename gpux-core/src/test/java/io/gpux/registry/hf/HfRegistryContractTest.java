package io.gpux.registry.hf;

import io.gpux.registry.RegistryContract;
import io.gpux.testing.OnnxModels;
import io.gpux.testing.hf.FakeHfHub;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** The Hugging Face plug-in against the faithful test Hub, with a token the Hub requires. */
class HfRegistryContractTest extends RegistryContract {
  private static final String TOKEN = "hf_contractSecretToken0123456789";
  private FakeHfHub hub;

  @Override
  protected Map<String, String> startServer() throws Exception {
    Path dir = Files.createDirectories(workDir.resolve("fixture"));
    Path model = OnnxModels.addOne(dir.resolve("model.onnx"));
    hub = FakeHfHub.start().requireToken(TOKEN);
    hub.repo("acme/adder")
        .lfsFile("onnx/model.onnx", Files.readAllBytes(model))
        .file("config.json", "{}")
        .commit("initial");
    return env("HF_ENDPOINT", hub.url(), "HF_TOKEN", TOKEN);
  }

  @Override
  protected void stopServer() {
    if (hub != null) {
      hub.close();
    }
  }

  @Override
  protected String existingReference() {
    return "hf:acme/adder";
  }

  @Override
  protected String missingReference() {
    return "hf:acme/no-such-model";
  }

  @Override
  protected String secret() {
    return TOKEN;
  }
}
