package io.gpux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gpux.testing.OnnxModels;
import io.gpux.testing.oci.DockerRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * gpux export → gpux import in another store with GPUX_OFFLINE=1 and the registry gone → gpux run;
 * skopeo copies a bundle entry into a registry and gpux pulls it; a damaged bundle is refused.
 */
class BundleTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  @TempDir Path home;
  @TempDir Path site;
  @TempDir Path cwd;

  private CliResult gpux(Path gpuxHome, boolean offline, String... args) {
    Map<String, String> env = new HashMap<>();
    env.put("GPUX_HOME", gpuxHome.toString());
    env.put("DOCKER_CONFIG", cwd.resolve("no-docker").toString());
    if (offline) {
      env.put("GPUX_OFFLINE", "1");
    }
    return CliResult.run(cwd, env, args);
  }

  @Test
  void exportImportOfflineRunAndSkopeoCopiesAnEntryIntoARegistry() throws Exception {
    assumeTrue(DockerRegistry.available(), "docker-registry is not installed");
    Path adder = Files.createDirectories(cwd.resolve("adder"));
    OnnxModels.addOne(adder.resolve("model.onnx"));
    Files.writeString(adder.resolve("README.md"), "# adder\n");
    String ref;
    String version;
    try (DockerRegistry registry = DockerRegistry.anonymous(cwd.resolve("registry"))) {
      ref = "oci://" + registry.host() + "/acme/adder:v1";
      assertEquals(0, gpux(home, false, "push", "adder", ref).exitCode());
      CliResult pull = gpux(home, false, "pull", ref, "--json");
      assertEquals(0, pull.exitCode(), pull.toString());
      version = MAPPER.readTree(pull.out()).get("version").asText();
    }
    CliResult export = gpux(home, true, "export", ref, "-o", "models.tar", "--json");
    assertEquals(0, export.exitCode(), export.toString());
    JsonNode entry = MAPPER.readTree(export.out()).get("models").get(0);
    String name = entry.get("name").asText();

    // The air-gapped site: another store, no network, the registry long gone.
    CliResult imported = gpux(site, true, "import", "models.tar", "--json");
    assertEquals(0, imported.exitCode(), imported.toString());
    assertTrue(imported.out().contains(version), imported.toString());
    CliResult run =
        gpux(site, true, "run", ref, "--input", "{\"x\": [[1, 2, 3, 4]]}", "--json", "-q");
    assertEquals(0, run.exitCode(), run.toString());
    assertEquals(5.0, MAPPER.readTree(run.out()).get("y").get(0).get(3).asDouble(), 1e-6);
    assertEquals(0, gpux(site, true, "verify").exitCode());
    CliResult again = gpux(site, true, "import", "models.tar");
    assertTrue(again.out().contains("Already in the store"), again.toString());

    assumeTrue(DockerRegistry.skopeoAvailable(), "skopeo is not installed");
    try (DockerRegistry other = DockerRegistry.anonymous(cwd.resolve("other"))) {
      Process p =
          new ProcessBuilder(
                  "skopeo",
                  "copy",
                  "--dest-tls-verify=false",
                  "oci-archive:" + cwd.resolve("models.tar") + ":" + name,
                  "docker://" + other.host() + "/site/adder:v1")
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(0, p.waitFor(), out);
      CliResult pulled =
          gpux(
              cwd.resolve("third"),
              false,
              "pull",
              "oci://" + other.host() + "/site/adder:v1",
              "--json");
      assertEquals(0, pulled.exitCode(), pulled.toString());
      CliResult run3 =
          gpux(
              cwd.resolve("third"),
              false,
              "run",
              "oci://" + other.host() + "/site/adder:v1",
              "--input",
              "{\"x\": [[1, 2, 3, 4]]}",
              "--json",
              "-q");
      assertEquals(0, run3.exitCode(), run3.toString());
    }
  }

  @Test
  void aDamagedBundleIsRefusedAndNothingIsImported() throws Exception {
    assumeTrue(DockerRegistry.available(), "docker-registry is not installed");
    Path adder = Files.createDirectories(cwd.resolve("adder"));
    byte[] model = Files.readAllBytes(OnnxModels.addOne(adder.resolve("model.onnx")));
    try (DockerRegistry registry = DockerRegistry.anonymous(cwd.resolve("registry"))) {
      String ref = "oci://" + registry.host() + "/acme/adder:v1";
      assertEquals(0, gpux(home, false, "push", "adder", ref).exitCode());
      assertEquals(0, gpux(home, false, "pull", ref).exitCode());
      assertEquals(0, gpux(home, true, "export", ref, "-o", "models.tar").exitCode());
    }
    byte[] tar = Files.readAllBytes(cwd.resolve("models.tar"));
    int at = indexOf(tar, model);
    assertTrue(at > 0, "the model's bytes are in the bundle");
    tar[at + model.length / 2] ^= 0x20;
    Files.write(cwd.resolve("bad.tar"), tar);
    CliResult imported = gpux(site, true, "import", "bad.tar");
    assertEquals(2, imported.exitCode(), imported.toString());
    assertTrue(imported.err().contains("does not match its digest"), imported.toString());
    assertEquals("[]", gpux(site, true, "list", "--json").out().replaceAll("\\s+", ""));
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
