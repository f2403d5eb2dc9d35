package io.gpux.registry.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
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
import io.gpux.testing.LoopbackServer;
import io.gpux.testing.OnnxModels;
import io.gpux.testing.oci.DockerRegistry;
import io.gpux.transfer.TransferListener;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
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

  /**
   * A repository with more tags than one page of {@code tags/list?n=100} is listed whole through
   * {@code Link: <...>; rel="next"}. Debian's docker-registry 2.8 ignores {@code n} and sends every
   * tag at once, so a relay in front of it pages its list the way the distribution spec says
   * (distribution 3, Harbor and GHCR do): {@code n} tags after {@code last}, and a Link to the next
   * page. Everything else is the real registry's answer.
   */
  @Test
  void tagsBeyondOnePageAreFollowedThroughTheLinkHeader() throws Exception {
    String direct = "oci://" + registry.host() + "/acme/clf";
    PushResult pushed = gpux.models().push("clf", direct + ":v1", null, Map.of());
    HttpClient http = HttpClient.newHttpClient();
    String manifests = "http://" + registry.host() + "/v2/acme/clf/manifests/";
    String type = "application/vnd.oci.image.manifest.v1+json";
    byte[] raw =
        http.send(
                HttpRequest.newBuilder(URI.create(manifests + "v1")).header("Accept", type).build(),
                HttpResponse.BodyHandlers.ofByteArray())
            .body();
    for (int i = 0; i < 105; i++) {
      HttpRequest put =
          HttpRequest.newBuilder(URI.create(manifests + String.format("t%03d", i)))
              .header("Content-Type", type)
              .PUT(HttpRequest.BodyPublishers.ofByteArray(raw))
              .build();
      assertEquals(201, http.send(put, HttpResponse.BodyHandlers.discarding()).statusCode());
    }
    List<String> pages = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (LoopbackServer relay =
        LoopbackServer.start(0, "paging-relay", x -> relay(x, http, pages))) {
      var versions = gpux.models().versions("oci://127.0.0.1:" + relay.port() + "/acme/clf");
      assertEquals(1, versions.size(), "106 tags on one digest are one version");
      assertEquals(pushed.version(), versions.get(0).remote().version());
      assertEquals(106, versions.get(0).remote().tags().size());
      assertEquals(
          List.of("n=100", "last=t099&n=100"), pages, "both pages, the second through the Link");
    }
  }

  private void relay(HttpExchange x, HttpClient http, List<String> pages) throws IOException {
    try {
      URI target = URI.create("http://" + registry.host() + x.getRequestURI());
      HttpRequest.Builder forward =
          HttpRequest.newBuilder(target).method(x.getRequestMethod(), BodyPublishers.noBody());
      x.getRequestHeaders()
          .getOrDefault("Accept", List.of())
          .forEach(a -> forward.header("Accept", a));
      String query = x.getRequestURI().getRawQuery();
      if (x.getRequestURI().getPath().endsWith("/tags/list")) {
        pages.add(query);
        forward.uri(URI.create("http://" + registry.host() + x.getRequestURI().getPath()));
      }
      HttpResponse<byte[]> r = http.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
      byte[] body = r.body();
      if (x.getRequestURI().getPath().endsWith("/tags/list")) {
        Map<String, String> q = new HashMap<>();
        for (String kv : query.split("&")) {
          q.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
        }
        JsonNode all = io.gpux.json.Json.mapper().readTree(body);
        List<String> tags = new java.util.ArrayList<>();
        all.path("tags").forEach(t -> tags.add(t.asText()));
        java.util.Collections.sort(tags);
        String last = q.get("last");
        List<String> after =
            tags.stream().filter(t -> last == null || t.compareTo(last) > 0).toList();
        int n = Integer.parseInt(q.get("n"));
        List<String> page = after.subList(0, Math.min(n, after.size()));
        if (after.size() > n) {
          x.getResponseHeaders()
              .add(
                  "Link",
                  "</v2/acme/clf/tags/list?last="
                      + page.get(page.size() - 1)
                      + "&n="
                      + n
                      + ">; rel=\"next\"");
        }
        body =
            io.gpux.json.Json.mapper().writeValueAsBytes(Map.of("name", "acme/clf", "tags", page));
      }
      r.headers()
          .map()
          .forEach(
              (k, v) -> {
                if (!k.equalsIgnoreCase("content-length") && !k.equalsIgnoreCase(":status")) {
                  v.forEach(value -> x.getResponseHeaders().add(k, value));
                }
              });
      boolean head = x.getRequestMethod().equals("HEAD");
      x.sendResponseHeaders(r.statusCode(), head ? -1 : body.length == 0 ? -1 : body.length);
      if (!head && body.length > 0) {
        x.getResponseBody().write(body);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    } finally {
      x.close();
    }
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
