package io.gpux.registry.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.gpux.Gpux;
import io.gpux.GpuxInternals;
import io.gpux.config.GpuxSettings;
import io.gpux.digest.Sha256;
import io.gpux.registry.PullOptions;
import io.gpux.registry.PushRequest;
import io.gpux.registry.PushResult;
import io.gpux.store.ManifestFile;
import io.gpux.store.VersionManifest;
import io.gpux.testing.CountingRelay;
import io.gpux.testing.OnnxModels;
import io.gpux.testing.oci.DockerRegistry;
import io.gpux.transfer.TransferListener;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** gpux push to Debian's docker-registry, read back by GPUX and by skopeo. */
class OciPushTest {
  @TempDir Path home;
  @TempDir Path work;
  private DockerRegistry registry;
  private Gpux gpux;
  private Path model;

  @BeforeEach
  void start() throws Exception {
    assumeTrue(DockerRegistry.available(), "docker-registry is not installed");
    registry = DockerRegistry.anonymous(work.resolve("reg"));
    Map<String, String> env = new HashMap<>();
    env.put("GPUX_HOME", home.toString());
    env.put("DOCKER_CONFIG", work.resolve("none").toString());
    gpux = Gpux.open(work, GpuxSettings.fromEnvironment(env, home));
    model = Files.createDirectories(work.resolve("clf"));
    OnnxModels.addOne(model.resolve("model.onnx"));
    Files.createDirectories(model.resolve("assets"));
    Files.writeString(model.resolve("assets/labels.txt"), "cat\ndog\n");
    Files.writeString(model.resolve("README.md"), "# clf\n");
  }

  @AfterEach
  void stop() {
    if (gpux != null) {
      gpux.close();
    }
    if (registry != null) {
      registry.close();
    }
  }

  private OciRegistry oci() {
    return (OciRegistry) GpuxInternals.registries(gpux).get("oci");
  }

  @Test
  void aPushedFolderPullsBackByteIdenticalAndSkopeoReadsItsManifest() throws Exception {
    String target = "oci://" + registry.host() + "/acme/clf:v1";
    PushResult pushed = gpux.models().push("clf", target, "stable", Map.of("team", "fraud"));
    assertEquals(3, pushed.files());
    VersionManifest m =
        gpux.models().pull(target, PullOptions.defaults(), TransferListener.NONE).manifest();
    assertEquals(pushed.version(), m.version());
    for (String f : new String[] {"model.onnx", "assets/labels.txt", "README.md"}) {
      ManifestFile stored =
          m.files().stream().filter(x -> x.path().equals(f)).findFirst().orElseThrow();
      assertEquals(Sha256.hex(Files.readAllBytes(model.resolve(f))), stored.sha256(), f);
    }
    assertTrue(m.lineage().get("oci.config").startsWith("sha256:"), m.lineage().toString());
    assertEquals("fraud", m.lineage().get("oci.annotation.team"));
    assertEquals(
        pushed.version(),
        gpux.models()
            .pull(
                "oci://" + registry.host() + "/acme/clf:stable",
                PullOptions.defaults(),
                TransferListener.NONE)
            .manifest()
            .version(),
        "the alias is a second tag");

    assumeTrue(io.gpux.testing.oci.DockerRegistry.skopeoAvailable(), "skopeo is not installed");
    Process p =
        new ProcessBuilder(
                "skopeo",
                "inspect",
                "--raw",
                "--tls-verify=false",
                "docker://" + registry.host() + "/acme/clf:v1")
            .redirectErrorStream(true)
            .start();
    byte[] raw = p.getInputStream().readAllBytes();
    assertEquals(0, p.waitFor(), new String(raw, StandardCharsets.UTF_8));
    assertEquals(
        pushed.version(),
        "sha256:" + Sha256.hex(raw),
        "skopeo reads the manifest GPUX wrote, byte for byte");
    JsonNode json = io.gpux.json.Json.mapper().readTree(raw);
    assertEquals("application/vnd.cncf.model.manifest.v1+json", json.path("artifactType").asText());
    assertEquals(
        "model.onnx",
        json.path("layers").path(2).path("annotations").path("org.cncf.model.filepath").asText());
  }

  @Test
  void blobsTheRepositoryHasAreSkippedAndTheStoredModelsOwnAreMounted() throws Exception {
    String a = "oci://" + registry.host() + "/acme/clf:v1";
    PushRequest request = new PushRequest(gpux.models().reference(a), model, null);
    OciPusher.Outcome first = oci().pusher(request.target()).push(request, "v1");
    assertEquals(4, first.uploaded(), "three files and the config");
    OciPusher.Outcome again = oci().pusher(request.target()).push(request, "v1");
    assertEquals(0, again.uploaded());
    assertEquals(4, again.skipped());
    assertEquals(first.digest(), again.digest(), "the same folder is the same manifest");

    VersionManifest pulled =
        gpux.models().pull(a, PullOptions.defaults(), TransferListener.NONE).manifest();
    Path stored = GpuxInternals.store(gpux).materialize(pulled);
    var b = gpux.models().reference("oci://" + registry.host() + "/team/copy:v1");
    OciPusher.Outcome copy =
        oci()
            .pusher(b)
            .push(
                new PushRequest(
                    b,
                    stored,
                    null,
                    Map.of(),
                    pulled.lineage(),
                    gpux.models().exactReference(pulled)),
                "v1");
    assertTrue(copy.mounted() >= 3, "the layers are mounted from acme/clf: " + copy);
    assertEquals(2, copy.uploaded(), "only the generated gpux.yml and the config go up: " + copy);
  }

  @Test
  void aLargeBlobGoesUpInChunksAndAChunkCutMidwayResumes() throws Exception {
    byte[] weights = new byte[300_000];
    new Random(3).nextBytes(weights);
    Files.write(model.resolve("model.onnx_data"), weights);
    try (CountingRelay relay = CountingRelay.to(registry.port())) {
      var target = gpux.models().reference("oci://127.0.0.1:" + relay.port() + "/acme/big:v1");
      OciPusher pusher = oci().pusher(target);
      pusher.chunkSize = 64 * 1024;
      relay.cutOnceAfter(150_000); // inside the third chunk of model.onnx_data
      OciPusher.Outcome o = pusher.push(new PushRequest(target, model, null), "v1");
      assertEquals(5, o.uploaded());
      assertTrue(relay.cut(), "a connection was dropped mid-upload");
    }
    VersionManifest m =
        gpux.models()
            .pull(
                "oci://" + registry.host() + "/acme/big:v1",
                PullOptions.defaults(),
                TransferListener.NONE)
            .manifest();
    ManifestFile data =
        m.files().stream()
            .filter(f -> f.path().equals("model.onnx_data"))
            .findFirst()
            .orElseThrow();
    assertEquals(Sha256.hex(weights), data.sha256());
  }
}
