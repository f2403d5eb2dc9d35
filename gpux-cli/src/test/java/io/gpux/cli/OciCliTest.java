package io.gpux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * push → versions → pull → run → outdated → update → search against Debian's docker-registry,
 * through the CLI as a user types it; and gpux login oci://HOST for a registry with Basic auth.
 */
class OciCliTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  @TempDir Path home;
  @TempDir Path cwd;
  private DockerRegistry registry;

  @AfterEach
  void stop() {
    if (registry != null) {
      registry.close();
    }
  }

  private CliResult gpux(String... args) {
    Map<String, String> env = new HashMap<>();
    env.put("GPUX_HOME", home.toString());
    env.put("DOCKER_CONFIG", cwd.resolve("no-docker").toString());
    return CliResult.run(cwd, env, args);
  }

  @Test
  void pushVersionsPullRunOutdatedUpdateAndSearch() throws Exception {
    assumeTrue(DockerRegistry.available(), "docker-registry is not installed");
    registry = DockerRegistry.anonymous(cwd.resolve("registry"));
    Path adder = Files.createDirectories(cwd.resolve("adder"));
    OnnxModels.addOne(adder.resolve("model.onnx"));
    Files.writeString(adder.resolve("README.md"), "# adder\n");
    String repo = "oci://" + registry.host() + "/acme/adder";

    CliResult push = gpux("push", "adder", repo + ":v1", "--annotation", "team=fraud", "--json");
    assertEquals(0, push.exitCode(), push.toString());
    String first = MAPPER.readTree(push.out()).get("version").asText();
    assertTrue(first.startsWith("sha256:"), push.toString());
    assertEquals(repo + "@" + first, MAPPER.readTree(push.out()).get("reference").asText());

    CliResult versions = gpux("versions", repo, "--json");
    assertEquals(0, versions.exitCode(), versions.toString());
    JsonNode v = MAPPER.readTree(versions.out());
    assertEquals(first, v.get(0).get("version").asText(), versions.toString());
    assertTrue(v.get(0).get("tags").toString().contains("v1"), versions.toString());

    CliResult run = gpux("run", repo + ":v1", "--input", "{\"x\": [[1, 2, 3, 4]]}", "--json", "-q");
    assertEquals(0, run.exitCode(), run.toString());
    assertEquals(5.0, MAPPER.readTree(run.out()).get("y").get(0).get(3).asDouble(), 1e-6);
    CliResult inspect = gpux("inspect", repo + ":v1");
    assertEquals(0, inspect.exitCode(), inspect.toString());

    assertEquals(0, gpux("outdated").exitCode(), "current right after the pull");
    Files.writeString(adder.resolve("README.md"), "# adder, second edition\n");
    CliResult again = gpux("push", "adder", repo + ":v1", "--json");
    String second = MAPPER.readTree(again.out()).get("version").asText();
    CliResult outdated = gpux("outdated", "--json");
    assertEquals(1, outdated.exitCode(), outdated.toString());
    JsonNode o = MAPPER.readTree(outdated.out()).get("models").get(0);
    assertEquals(first, o.get("local").asText());
    assertEquals(second, o.get("remote").asText());
    assertEquals("[\"README.md\"]", o.get("changes").get("changed").toString(), o.toString());
    CliResult update = gpux("update", repo + ":v1", "--json");
    assertEquals(0, update.exitCode(), update.toString());
    assertEquals(0, gpux("outdated").exitCode(), "current after the update");

    CliResult search = gpux("search", "-r", "oci", registry.host() + "/acme", "--json");
    assertEquals(0, search.exitCode(), search.toString());
    assertEquals(
        repo, MAPPER.readTree(search.out()).get(0).get("reference").asText(), search.toString());

    CliResult gguf = gpux("pull", "oci://" + registry.host() + "/acme/none:v1");
    assertEquals(2, gguf.exitCode(), gguf.toString());
    assertTrue(gguf.err().contains("has no"), gguf.toString());
    assertFalse(gguf.err().contains("\tat "), "no stack trace without --debug");
  }

  @Test
  void aModelcarImageLocksAndSyncsIntoAnotherStore() throws Exception {
    assumeTrue(DockerRegistry.available(), "docker-registry is not installed");
    registry = DockerRegistry.anonymous(cwd.resolve("registry"));
    byte[] onnx = Files.readAllBytes(OnnxModels.addOne(cwd.resolve("m.onnx")));
    byte[] layer =
        io.gpux.testing.oci.OciArtifacts.gzip(
            io.gpux.testing.oci.OciArtifacts.tar(
                java.util.List.of(
                    io.gpux.testing.oci.OciArtifacts.Entry.file("bin/sh", new byte[] {1}),
                    io.gpux.testing.oci.OciArtifacts.Entry.file("models/model.onnx", onnx))));
    new io.gpux.testing.oci.OciArtifacts(registry.host(), null)
        .image(
            "kserve/adder",
            "v1",
            null,
            "application/vnd.oci.image.config.v1+json",
            "{\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8),
            java.util.List.of(
                new io.gpux.testing.oci.OciArtifacts.Layer(
                    "application/vnd.oci.image.layer.v1.tar+gzip", layer, Map.of())),
            Map.of());
    String ref = "oci://" + registry.host() + "/kserve/adder:v1";
    CliResult lock = gpux("lock", ref, "-o", "gpux.lock");
    assertEquals(0, lock.exitCode(), lock.toString());
    assertTrue(Files.readString(cwd.resolve("gpux.lock")).contains("model.onnx"));
    Map<String, String> env = new HashMap<>();
    env.put("GPUX_HOME", cwd.resolve("other-home").toString());
    env.put("DOCKER_CONFIG", cwd.resolve("no-docker").toString());
    CliResult sync = CliResult.run(cwd, env, "sync", "gpux.lock");
    assertEquals(0, sync.exitCode(), sync.toString());
    CliResult run =
        CliResult.run(cwd, env, "run", ref, "--input", "{\"x\": [[1, 2, 3, 4]]}", "--json", "-q");
    assertEquals(0, run.exitCode(), run.toString());
  }

  @Test
  @ResourceLock("java.lang.System.in") // replaces System.in for login --token-stdin
  void loginOciHostStoresAPasswordThatPullsUse() throws Exception {
    assumeTrue(DockerRegistry.available(), "docker-registry is not installed");
    registry = DockerRegistry.basic(cwd.resolve("registry"), "alice", "cli-Secret-77");
    Path adder = Files.createDirectories(cwd.resolve("adder"));
    OnnxModels.addOne(adder.resolve("model.onnx"));
    String ref = "oci://" + registry.host() + "/acme/adder:v1";
    CliResult denied = gpux("push", "adder", ref);
    assertEquals(2, denied.exitCode(), denied.toString());
    assertTrue(denied.err().contains("gpux login oci://" + registry.host()), denied.toString());
    java.io.InputStream stdin = System.in;
    try {
      System.setIn(
          new java.io.ByteArrayInputStream("cli-Secret-77\n".getBytes(StandardCharsets.UTF_8)));
      CliResult login =
          gpux("login", "oci://" + registry.host(), "--username", "alice", "--token-stdin");
      assertEquals(0, login.exitCode(), login.toString());
      assertFalse(login.out().contains("cli-Secret-77"));
    } finally {
      System.setIn(stdin);
    }
    assertEquals(0, gpux("push", "adder", ref).exitCode());
    CliResult pull = gpux("pull", ref);
    assertEquals(0, pull.exitCode(), pull.toString());
    assertFalse(pull.out().contains("cli-Secret-77") || pull.err().contains("cli-Secret-77"));
    assertEquals(0, gpux("logout", "oci://" + registry.host()).exitCode());
    assertEquals(2, gpux("pull", ref, "--force").exitCode(), "logged out: refused again");
  }
}
