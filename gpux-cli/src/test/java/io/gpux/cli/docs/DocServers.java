package io.gpux.cli.docs;

import io.gpux.testing.OnnxModels;
import io.gpux.testing.hf.FakeHfHub;
import io.gpux.testing.kaggle.FakeKaggle;
import io.gpux.testing.mlflow.MlflowServer;
import io.gpux.testing.oci.DockerRegistry;
import io.gpux.testing.oci.OciArtifacts;
import io.gpux.testing.wandb.FakeWandb;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The test servers a docs page declares ({@code <!-- runnable: hf mlflow -->}), started for that
 * page, each with the same small catalogue, so that a page's examples can name real-looking models:
 *
 * <ul>
 *   <li>{@code hf}: the Hugging Face test hub ({@code HF_ENDPOINT}) with {@code acme/adder} (a
 *       model that adds one to a {@code [1, 4]} float input, two commits) and {@code acme/doubler}
 *   <li>{@code wandb}: the W&amp;B test server ({@code WANDB_BASE_URL}, {@code WANDB_API_KEY}) with
 *       {@code acme/mnist/classifier} v0 and v1, aliases {@code production} on v1
 *   <li>{@code kaggle}: the Kaggle test server ({@code KAGGLE_API_ENDPOINT}) with {@code
 *       acme/adder/onnx/default} versions 1 and 2, and the TF Hub handle {@code acme/adder/1}
 *   <li>{@code mlflow}: the build's real {@code mlflow server} ({@code MLFLOW_TRACKING_URI} and the
 *       admin's credentials) with its fixture: {@code adder} versions 1 to 3, alias {@code
 *       champion} on 2 (python/mlflow_fixture.py)
 *   <li>{@code oci}: Debian's {@code docker-registry} on loopback, shown in the pages as {@code
 *       localhost:5000}, with the ModelPack {@code acme/adder:1.0}
 * </ul>
 *
 * Servers a page does not declare are still "configured", at a loopback port nothing listens on, so
 * that no example ever reaches the internet. {@link #substitutions()} maps what a page shows to
 * what the servers really are (the registry's port), and back for what gpux prints.
 */
final class DocServers implements AutoCloseable {
  static final Set<String> KNOWN = Set.of("hf", "wandb", "kaggle", "mlflow", "oci");
  static final String WANDB_KEY = "0123456789abcdef0123456789abcdef01234567";
  private static final String NOWHERE = "http://127.0.0.1:9";

  private final List<AutoCloseable> running = new ArrayList<>();
  private final Map<String, String> env = new LinkedHashMap<>();
  private final Map<String, String> substitutions = new LinkedHashMap<>();

  private DocServers() {
    env.put("HF_ENDPOINT", NOWHERE);
    env.put("WANDB_BASE_URL", NOWHERE);
    env.put("KAGGLE_API_ENDPOINT", NOWHERE);
    env.put("GPUX_TFHUB_URL", NOWHERE);
    env.put("MLFLOW_TRACKING_URI", NOWHERE);
    env.put("GPUX_ONNX_ZOO_URL", NOWHERE);
    env.put("GPUX_GITHUB_URL", NOWHERE);
    env.put("GPUX_GITHUB_API_URL", NOWHERE);
  }

  static DocServers start(Set<String> names, Path dir) throws Exception {
    DocServers s = new DocServers();
    try {
      byte[] adder = Files.readAllBytes(OnnxModels.addOne(dir.resolve("fixtures/adder.onnx")));
      byte[] doubler =
          Files.readAllBytes(OnnxModels.addConstant(dir.resolve("fixtures/plus2.onnx"), 2));
      for (String name : names) {
        switch (name) {
          case "hf" -> s.hf(adder, doubler);
          case "wandb" -> s.wandb(adder, doubler);
          case "kaggle" -> s.kaggle(adder);
          case "mlflow" -> s.mlflow();
          case "oci" -> s.oci(dir.resolve("registry"), adder);
          default -> throw new IllegalArgumentException("no test server called " + name);
        }
      }
      return s;
    } catch (Exception | Error e) {
      s.close();
      throw e;
    }
  }

  private void hf(byte[] adder, byte[] doubler) {
    FakeHfHub hub = FakeHfHub.start();
    running.add(hub);
    hub.repo("acme/adder").file("model.onnx", adder).commit("initial");
    hub.repo("acme/adder").file("README.md", "# adder\n\nAdds one.\n").commit("a model card");
    hub.repo("acme/doubler").file("model.onnx", doubler).commit("initial");
    env.put("HF_ENDPOINT", hub.url());
  }

  private void wandb(byte[] adder, byte[] doubler) {
    FakeWandb wb = FakeWandb.start().requireApiKey(WANDB_KEY);
    running.add(wb);
    wb.artifact("acme", "mnist", "classifier", "model").file("model.onnx", adder).commit();
    wb.artifact("acme", "mnist", "classifier", "model")
        .file("model.onnx", doubler)
        .aliases("production")
        .commit();
    env.put("WANDB_BASE_URL", wb.url());
    env.put("WANDB_API_KEY", WANDB_KEY);
  }

  private void kaggle(byte[] adder) {
    FakeKaggle k = FakeKaggle.start();
    running.add(k);
    k.publish("acme", "adder", "ONNX", "default", Map.of("model.onnx", adder));
    k.publish("acme", "adder", "ONNX", "default", Map.of("model.onnx", adder));
    k.license("acme", "adder", "ONNX", "default", "Apache 2.0");
    k.tfhub("acme/adder/1", "acme", "adder", "ONNX", "default", 1);
    env.put("KAGGLE_API_ENDPOINT", k.url());
    env.put("GPUX_TFHUB_URL", k.tfhubUrl());
  }

  private void mlflow() throws Exception {
    MlflowServer server = MlflowServer.shared();
    env.putAll(server.clientEnv());
    // The page's `export MLFLOW_TRACKING_URI=...` names a server of the reader's.
    substitutions.put("http://mlflow.example.com:5000", server.url());
  }

  private void oci(Path dir, byte[] adder) throws Exception {
    if (!DockerRegistry.available()) {
      throw new IllegalStateException("docker-registry is not installed (.ci/run installs it)");
    }
    DockerRegistry registry = DockerRegistry.anonymous(dir);
    running.add(registry);
    new OciArtifacts(registry.host(), null)
        .modelPack("acme/adder", "1.0", Map.of("model.onnx", adder), "onnx");
    substitutions.put("localhost:5000", registry.host());
  }

  /** The variables that point gpux at these servers. */
  Map<String, String> env() {
    return env;
  }

  /** What a page shows, to what is really there (commands); reversed for what gpux prints. */
  Map<String, String> substitutions() {
    return substitutions;
  }

  @Override
  public void close() {
    for (AutoCloseable c : running) {
      try {
        c.close();
      } catch (Exception e) {
        // the next server still has to stop
      }
    }
  }
}
