package io.gpux.registry.oci;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gpux.registry.RegistryContract;
import io.gpux.testing.OnnxModels;
import io.gpux.testing.oci.DockerRegistry;
import io.gpux.testing.oci.OciArtifacts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The OCI plug-in against Debian's docker-registry with htpasswd Basic auth, the credentials in
 * GPUX_OCI_USERNAME / GPUX_OCI_PASSWORD, and a ModelPack artifact the test wrote from the spec.
 */
class OciRegistryContractTest extends RegistryContract {
  static final String PASSWORD = "contract-Secret-0123456789";
  private DockerRegistry registry;

  @Override
  protected Map<String, String> startServer() throws Exception {
    assumeTrue(DockerRegistry.available(), "docker-registry and htpasswd are not installed");
    registry = DockerRegistry.basic(workDir.resolve("registry"), "alice", PASSWORD);
    OciArtifacts push =
        new OciArtifacts(
            registry.host(),
            "Basic "
                + Base64.getEncoder()
                    .encodeToString(("alice:" + PASSWORD).getBytes(StandardCharsets.UTF_8)));
    Path dir = Files.createDirectories(workDir.resolve("fixture"));
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("model.onnx", Files.readAllBytes(OnnxModels.addOne(dir.resolve("model.onnx"))));
    files.put("README.md", "an adder".getBytes(StandardCharsets.UTF_8));
    push.modelPack("acme/adder", "prod", files, "onnx");
    return env("GPUX_OCI_USERNAME", "alice", "GPUX_OCI_PASSWORD", PASSWORD);
  }

  @Override
  protected void stopServer() {
    if (registry != null) {
      registry.close();
    }
  }

  @Override
  protected String existingReference() {
    return "oci://" + registry.host() + "/acme/adder:prod";
  }

  @Override
  protected String missingReference() {
    return "oci://" + registry.host() + "/acme/no-such-model:latest";
  }

  @Override
  protected String secret() {
    return PASSWORD;
  }
}
