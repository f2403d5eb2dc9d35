package io.gpux.registry.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gpux.Gpux;
import io.gpux.GpuxInternals;
import io.gpux.config.GpuxSettings;
import io.gpux.error.ErrorCategory;
import io.gpux.error.GpuxException;
import io.gpux.pull.PullResult;
import io.gpux.registry.PullOptions;
import io.gpux.registry.Secret;
import io.gpux.runtime.RuntimeOptions;
import io.gpux.store.ManifestFile;
import io.gpux.store.VersionManifest;
import io.gpux.testing.OnnxModels;
import io.gpux.testing.oci.DockerRegistry;
import io.gpux.testing.oci.OciArtifacts;
import io.gpux.testing.oci.OciArtifacts.Entry;
import io.gpux.testing.oci.OciArtifacts.Layer;
import io.gpux.testing.oci.TokenService;
import io.gpux.transfer.TransferListener;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pulls from Debian's docker-registry: every layout GPUX reads, hostile artifacts, auth modes. */
class OciPullTest {
  @TempDir Path home;
  @TempDir Path work;
  private final List<AutoCloseable> open = new java.util.ArrayList<>();
  private byte[] onnx;

  @BeforeEach
  void needsTheRegistry() throws Exception {
    assumeTrue(DockerRegistry.available(), "docker-registry and htpasswd are not installed");
    onnx = Files.readAllBytes(OnnxModels.addOne(work.resolve("model.onnx")));
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  private <T extends AutoCloseable> T keep(T t) {
    open.add(t);
    return t;
  }

  private Gpux gpux(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(extra);
    env.put("GPUX_HOME", home.toString());
    env.putIfAbsent("DOCKER_CONFIG", work.resolve("no-docker-config").toString());
    env.put("PATH", extra.getOrDefault("PATH", "/usr/bin:/bin"));
    return keep(Gpux.open(work, GpuxSettings.fromEnvironment(env, home)));
  }

  private Map<String, String> files(VersionManifest m) {
    return m.files().stream().collect(Collectors.toMap(ManifestFile::path, ManifestFile::sha256));
  }

  private void assertNothingStored(Gpux gpux) throws Exception {
    assertEquals(List.of(), GpuxInternals.store(gpux).list(), "no model was stored");
    Path blobs = home.resolve("blobs");
    if (Files.isDirectory(blobs)) {
      try (Stream<Path> s = Files.walk(blobs)) {
        assertEquals(0, s.filter(Files::isRegularFile).count(), "no blob was stored");
      }
    }
  }

  @Test
  void aModelPackArtifactWrittenFromTheSpecPullsAndLoads() throws Exception {
    DockerRegistry r = keep(DockerRegistry.anonymous(work.resolve("reg")));
    Map<String, byte[]> f = new LinkedHashMap<>();
    f.put("model.onnx", onnx);
    f.put("docs/README.md", "hello".getBytes(StandardCharsets.UTF_8));
    String digest = new OciArtifacts(r.host(), null).modelPack("acme/adder", "v1", f, "onnx");
    Gpux gpux = gpux(Map.of());
    String ref = "oci://" + r.host() + "/acme/adder:v1";
    PullResult p = gpux.models().pull(ref, PullOptions.defaults(), TransferListener.NONE);
    VersionManifest m = p.manifest();
    assertEquals(digest, m.version(), "the manifest digest is the version");
    assertEquals("v1", m.requested());
    assertEquals(java.util.Set.of("model.onnx", "docs/README.md", "gpux.yml"), files(m).keySet());
    assertEquals(io.gpux.digest.Sha256.hex(onnx), files(m).get("model.onnx"));
    assertEquals("modelpack", m.lineage().get("oci.layout"));
    assertTrue(m.lineage().get("oci.config").startsWith("sha256:"), m.lineage().toString());
    assertFalse(gpux.inspect(ref, RuntimeOptions.defaults()).inputs().isEmpty());
    // By digest: the exact reference the store gives back pulls the same version.
    String exact = gpux.models().exactReference(m);
    assertEquals("oci://" + r.host() + "/acme/adder@" + digest, exact);
    assertTrue(
        gpux.models().pull(exact, PullOptions.defaults(), TransferListener.NONE).alreadyPresent());
    int before = r.requests().size();
    assertTrue(
        gpux.models().pull(ref, PullOptions.defaults(), TransferListener.NONE).alreadyPresent());
    List<String> again = r.requests().subList(before, r.requests().size());
    assertEquals(1, again.size(), "a no-op re-pull makes one request: " + again);
    assertTrue(again.get(0).startsWith("GET /v2/acme/adder/manifests/v1 200"), again.toString());
  }

  @Test
  void orasFilesAreNamedByTheirTitleAndAPackedFolderIsUnpacked() throws Exception {
    DockerRegistry r = keep(DockerRegistry.anonymous(work.resolve("reg")));
    byte[] folder =
        OciArtifacts.gzip(
            OciArtifacts.tar(
                List.of(
                    Entry.folder("tokenizer"),
                    Entry.file("tokenizer/vocab.txt", "a\nb\n".getBytes(StandardCharsets.UTF_8)))));
    byte[] empty = "{}".getBytes(StandardCharsets.UTF_8);
    new OciArtifacts(r.host(), null)
        .image(
            "acme/oras",
            "latest",
            "application/vnd.acme.model",
            "application/vnd.oci.empty.v1+json",
            empty,
            List.of(
                new Layer(
                    "application/octet-stream",
                    onnx,
                    Map.of("org.opencontainers.image.title", "model.onnx")),
                new Layer(
                    "application/vnd.oci.image.layer.v1.tar+gzip",
                    folder,
                    Map.of(
                        "org.opencontainers.image.title", "tokenizer",
                        "io.deis.oras.content.unpack", "true"))),
            Map.of("org.opencontainers.image.source", "https://example.com/acme"));
    VersionManifest m =
        gpux(Map.of())
            .models()
            .pull("oci://" + r.host() + "/acme/oras", PullOptions.defaults(), TransferListener.NONE)
            .manifest();
    assertEquals(
        java.util.Set.of("model.onnx", "tokenizer/vocab.txt", "gpux.yml"), files(m).keySet());
    assertEquals("oras", m.lineage().get("oci.layout"));
    assertEquals(
        "https://example.com/acme",
        m.lineage().get("oci.annotation.org.opencontainers.image.source"));
  }

  @Test
  void aModelcarImageGivesTheFilesUnderModelsWithWhiteoutsAndLinksApplied() throws Exception {
    DockerRegistry r = keep(DockerRegistry.anonymous(work.resolve("reg")));
    byte[] base =
        OciArtifacts.gzip(
            OciArtifacts.tar(
                List.of(
                    Entry.folder("bin"),
                    Entry.file("bin/sh", "#!".getBytes(StandardCharsets.UTF_8)),
                    Entry.folder("models"),
                    Entry.file("models/model.onnx", onnx),
                    Entry.file("models/old.txt", "old".getBytes(StandardCharsets.UTF_8)),
                    Entry.symlink("models/current.onnx", "model.onnx"),
                    Entry.symlink("models/abs.onnx", "/models/model.onnx"))));
    byte[] top =
        OciArtifacts.tar(
            List.of(
                Entry.file("models/.wh.old.txt", new byte[0]),
                Entry.file("models/labels.txt", "x".getBytes(StandardCharsets.UTF_8))));
    byte[] config =
        "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\"}}"
            .getBytes(StandardCharsets.UTF_8);
    new OciArtifacts(r.host(), null)
        .image(
            "acme/modelcar",
            "v1",
            null,
            "application/vnd.oci.image.config.v1+json",
            config,
            List.of(
                new Layer("application/vnd.oci.image.layer.v1.tar+gzip", base, Map.of()),
                new Layer("application/vnd.oci.image.layer.v1.tar", top, Map.of())),
            Map.of());
    Gpux gpux = gpux(Map.of());
    String ref = "oci://" + r.host() + "/acme/modelcar:v1";
    VersionManifest m =
        gpux.models().pull(ref, PullOptions.defaults(), TransferListener.NONE).manifest();
    Map<String, String> files = files(m);
    assertEquals(
        java.util.Set.of("model.onnx", "current.onnx", "abs.onnx", "labels.txt", "gpux.yml"),
        files.keySet());
    assertEquals(files.get("model.onnx"), files.get("current.onnx"), "a link is a copy");
    assertEquals("modelcar", m.lineage().get("oci.layout"));
    assertTrue(GpuxInternals.store(gpux).verify().clean());
    assertFalse(gpux.inspect(ref, RuntimeOptions.defaults()).inputs().isEmpty());
    try (Stream<Path> s = Files.list(home.resolve("tmp"))) {
      assertEquals(List.of(), s.toList(), "no layer or unpacked file is left in the work folder");
    }
  }

  @Test
  void ggufArtifactsAreRefusedAsNotOnnxNamingTheFormat() throws Exception {
    DockerRegistry r = keep(DockerRegistry.anonymous(work.resolve("reg")));
    OciArtifacts push = new OciArtifacts(r.host(), null);
    byte[] gguf = "GGUF\u0003\u0000\u0000\u0000".getBytes(StandardCharsets.ISO_8859_1);
    push.image(
        "ai/smollm2",
        "latest",
        null,
        "application/vnd.docker.ai.model.config.v0.1+json",
        "{\"config\":{\"format\":\"gguf\"}}".getBytes(StandardCharsets.UTF_8),
        List.of(new Layer("application/vnd.docker.ai.gguf.v3", gguf, Map.of())),
        Map.of());
    push.image(
        "library/llama",
        "latest",
        null,
        "application/vnd.docker.container.image.v1+json",
        "{}".getBytes(StandardCharsets.UTF_8),
        List.of(new Layer("application/vnd.ollama.image.model", gguf, Map.of())),
        Map.of());
    Map<String, byte[]> st = Map.of("model.safetensors", gguf);
    push.modelPack("acme/st", "v1", st, "safetensors");
    Gpux gpux = gpux(Map.of());
    for (String[] c :
        new String[][] {
          {"ai/smollm2", "GGUF", "Docker Model Runner"},
          {"library/llama", "GGUF", "Ollama"},
          {"acme/st:v1", "safetensors", "ModelPack"}
        }) {
      GpuxException e =
          assertThrows(
              GpuxException.class,
              () ->
                  gpux.models()
                      .pull(
                          "oci://" + r.host() + "/" + c[0],
                          PullOptions.defaults(),
                          TransferListener.NONE));
      assertEquals(ErrorCategory.INVALID_INPUT, e.category());
      assertTrue(e.problem().contains("is not an ONNX model"), e.problem());
      assertTrue(e.problem().contains(c[1]) && e.problem().contains(c[2]), e.problem());
    }
    assertNothingStored(gpux);
  }

  @Test
  void pathEscapesInAnnotationsAndTarLayersAreRefusedAndNothingIsStored() throws Exception {
    DockerRegistry r = keep(DockerRegistry.anonymous(work.resolve("reg")));
    OciArtifacts push = new OciArtifacts(r.host(), null);
    byte[] empty = "{}".getBytes(StandardCharsets.UTF_8);
    push.image(
        "evil/annotation",
        "latest",
        "application/vnd.cncf.model.manifest.v1+json",
        "application/vnd.oci.empty.v1+json",
        empty,
        List.of(
            new Layer(
                "application/vnd.cncf.model.weight.v1.raw",
                onnx,
                Map.of("org.cncf.model.filepath", "../../.bashrc"))),
        Map.of());
    Map<String, List<Entry>> tars = new LinkedHashMap<>();
    tars.put(
        "evil/dotdot", List.of(Entry.file("model.onnx", onnx), Entry.file("../escape.txt", onnx)));
    tars.put(
        "evil/absolute-link",
        List.of(Entry.file("model.onnx", onnx), Entry.symlink("passwd", "/etc/passwd")));
    tars.put(
        "evil/relative-link",
        List.of(Entry.file("model.onnx", onnx), Entry.symlink("a/up", "../../../etc/passwd")));
    tars.put(
        "evil/hardlink",
        List.of(Entry.file("model.onnx", onnx), Entry.hardlink("h", "../outside")));
    for (Map.Entry<String, List<Entry>> t : tars.entrySet()) {
      push.image(
          t.getKey(),
          "latest",
          "application/vnd.cncf.model.manifest.v1+json",
          "application/vnd.oci.empty.v1+json",
          empty,
          List.of(
              new Layer(
                  "application/vnd.cncf.model.weight.v1.tar",
                  OciArtifacts.tar(t.getValue()),
                  Map.of())),
          Map.of());
    }
    Gpux gpux = gpux(Map.of());
    List<String> repos = new java.util.ArrayList<>(List.of("evil/annotation"));
    repos.addAll(tars.keySet());
    for (String repo : repos) {
      GpuxException e =
          assertThrows(
              GpuxException.class,
              () ->
                  gpux.models()
                      .pull(
                          "oci://" + r.host() + "/" + repo,
                          PullOptions.defaults(),
                          TransferListener.NONE),
              repo);
      assertEquals(ErrorCategory.INVALID_INPUT, e.category(), repo + ": " + e.getMessage());
      assertTrue(e.problem().startsWith("refusing"), repo + ": " + e.problem());
    }
    assertNothingStored(gpux);
  }

  @Test
  void aTamperedBlobIsRefusedAndNothingIsStored() throws Exception {
    DockerRegistry r = keep(DockerRegistry.anonymous(work.resolve("reg")));
    new OciArtifacts(r.host(), null)
        .modelPack("acme/adder", "v1", Map.of("model.onnx", onnx), "onnx");
    Path data = r.blob(OciArtifacts.digest(onnx));
    byte[] bytes = Files.readAllBytes(data);
    bytes[bytes.length / 2] ^= 0x5a; // same size, other bytes: only the digest can tell
    Files.write(data, bytes);
    Gpux gpux = gpux(Map.of());
    GpuxException e =
        assertThrows(
            GpuxException.class,
            () ->
                gpux.models()
                    .pull(
                        "oci://" + r.host() + "/acme/adder:v1",
                        PullOptions.defaults(),
                        TransferListener.NONE));
    assertTrue(e.problem().contains("failed verification"), e.problem());
    assertNothingStored(gpux);
  }

  @Test
  void theBearerFlowGetsATokenWithTheCredentialsAndRenewsItWhenRefusedMidPull() throws Exception {
    TokenService tokens =
        keep(TokenService.withUser(work.resolve("tokens"), "bob", "bob-Secret-42"));
    DockerRegistry r = keep(DockerRegistry.bearer(work.resolve("reg"), tokens));
    new OciArtifacts(r.host(), "Bearer " + token(tokens, "bob", "bob-Secret-42", "acme/adder"))
        .modelPack("acme/adder", "v1", Map.of("model.onnx", onnx), "onnx");
    int before = tokens.issued();
    Gpux gpux = gpux(Map.of("GPUX_OCI_USERNAME", "bob", "GPUX_OCI_PASSWORD", "bob-Secret-42"));
    // When the layer's download starts, the registry restarts trusting a new key only: the token
    // GPUX holds is refused with a 401 as an expired one is, and the download must renew it.
    AtomicBoolean rotated = new AtomicBoolean();
    TransferListener rotate =
        new TransferListener() {
          @Override
          public void started(String path, long size, long resumedFrom) {
            if (rotated.compareAndSet(false, true)) {
              try {
                tokens.rotateKey();
                r.restart(tokens);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            }
          }
        };
    PullResult p =
        gpux.models().pull("oci://" + r.host() + "/acme/adder:v1", PullOptions.defaults(), rotate);
    assertTrue(rotated.get());
    assertEquals(io.gpux.digest.Sha256.hex(onnx), files(p.manifest()).get("model.onnx"));
    assertEquals(before + 2, tokens.issued(), "one token, then one renewal");
    String basic =
        "Basic "
            + Base64.getEncoder()
                .encodeToString("bob:bob-Secret-42".getBytes(StandardCharsets.UTF_8));
    List<String> sent = tokens.authorizations();
    assertEquals(basic, sent.get(sent.size() - 1), "the token service got the credentials");
  }

  @Test
  void anAnonymousTokenIsAskedForWhenThereAreNoCredentials() throws Exception {
    TokenService tokens = keep(TokenService.anonymous(work.resolve("tokens")));
    DockerRegistry r = keep(DockerRegistry.bearer(work.resolve("reg"), tokens));
    new OciArtifacts(r.host(), "Bearer " + token(tokens, null, null, "acme/adder"))
        .modelPack("acme/adder", "v1", Map.of("model.onnx", onnx), "onnx");
    gpux(Map.of())
        .models()
        .pull(
            "oci://" + r.host() + "/acme/adder:v1", PullOptions.defaults(), TransferListener.NONE);
    List<String> sent = tokens.authorizations();
    assertEquals("", sent.get(sent.size() - 1), "an anonymous token request");
  }

  @Test
  void basicAuthWithoutCredentialsSaysHowToLogIn() throws Exception {
    DockerRegistry r = keep(DockerRegistry.basic(work.resolve("reg"), "alice", "pw-alice-1"));
    GpuxException e =
        assertThrows(
            GpuxException.class,
            () ->
                gpux(Map.of())
                    .models()
                    .pull(
                        "oci://" + r.host() + "/acme/adder:v1",
                        PullOptions.defaults(),
                        TransferListener.NONE));
    assertTrue(
        e.problem().contains("refused access") && e.problem().contains("no credentials"),
        e.problem());
    assertTrue(e.hint().contains("gpux login oci://" + r.host() + " --username"), e.hint());
  }

  @Test
  void credentialsComeFromGpuxLoginAndFromDockerConfigAuthsAndHelpers() throws Exception {
    DockerRegistry r = keep(DockerRegistry.basic(work.resolve("reg"), "alice", "pw-alice-1"));
    String basic =
        "Basic "
            + Base64.getEncoder()
                .encodeToString("alice:pw-alice-1".getBytes(StandardCharsets.UTF_8));
    new OciArtifacts(r.host(), basic)
        .modelPack("acme/adder", "v1", Map.of("model.onnx", onnx), "onnx");
    String ref = "oci://" + r.host() + "/acme/adder:v1";

    // gpux login oci://HOST --username alice
    Gpux g1 = gpux(Map.of());
    g1.accounts().login("oci://" + r.host(), "alice", new Secret("pw-alice-1"));
    g1.models().pull(ref, PullOptions.defaults().withForce(true), TransferListener.NONE);
    assertTrue(g1.accounts().logout("oci://" + r.host()));

    // Docker's config.json: auths
    Path docker = Files.createDirectories(work.resolve("docker"));
    String auth =
        Base64.getEncoder().encodeToString("alice:pw-alice-1".getBytes(StandardCharsets.UTF_8));
    Files.writeString(
        docker.resolve("config.json"),
        "{\"auths\":{\"" + r.host() + "\":{\"auth\":\"" + auth + "\"}}}");
    gpux(Map.of("DOCKER_CONFIG", docker.toString()))
        .models()
        .pull(ref, PullOptions.defaults().withForce(true), TransferListener.NONE);

    // ... and a credential helper (docker-credential-NAME get, the host on stdin)
    Path bin = Files.createDirectories(work.resolve("bin"));
    Path helper = bin.resolve("docker-credential-gpuxtest");
    Files.writeString(
        helper,
        "#!/bin/sh\nread host\nif [ \"$1\" = get ] && [ \"$host\" = \""
            + r.host()
            + "\" ]; then\n"
            + "  echo '{\"ServerURL\":\"'$host'\",\"Username\":\"alice\",\"Secret\":\"pw-alice-1\"}'\nelse\n"
            + "  echo 'credentials not found in native keychain'; exit 1\nfi\n");
    Files.setPosixFilePermissions(helper, PosixFilePermissions.fromString("rwx------"));
    Files.writeString(
        docker.resolve("config.json"), "{\"credHelpers\":{\"" + r.host() + "\":\"gpuxtest\"}}");
    gpux(Map.of("DOCKER_CONFIG", docker.toString(), "PATH", bin + ":/usr/bin:/bin"))
        .models()
        .pull(ref, PullOptions.defaults().withForce(true), TransferListener.NONE);
    Files.writeString(docker.resolve("config.json"), "{\"credsStore\":\"gpuxtest\"}");
    gpux(Map.of("DOCKER_CONFIG", docker.toString(), "PATH", bin + ":/usr/bin:/bin"))
        .models()
        .pull(ref, PullOptions.defaults().withForce(true), TransferListener.NONE);
  }

  @Test
  void aBlobRedirectToAnotherHostGetsNoCredentials() throws Exception {
    DockerRegistry r = keep(DockerRegistry.basic(work.resolve("reg"), "alice", "pw-redirect-9"));
    String basic =
        "Basic "
            + Base64.getEncoder()
                .encodeToString("alice:pw-redirect-9".getBytes(StandardCharsets.UTF_8));
    new OciArtifacts(r.host(), basic)
        .modelPack("acme/adder", "v1", Map.of("model.onnx", onnx), "onnx");
    HttpClient http = HttpClient.newHttpClient();
    List<String> cdnAuth = new java.util.concurrent.CopyOnWriteArrayList<>();
    // The "CDN": another host name (localhost, not 127.0.0.1) serving the blob, as S3 would.
    io.gpux.testing.LoopbackServer cdn =
        keep(
            io.gpux.testing.LoopbackServer.start(
                0,
                "cdn",
                ex -> {
                  try (ex) {
                    cdnAuth.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
                    byte[] body = onnx;
                    ex.sendResponseHeaders(200, body.length);
                    ex.getResponseBody().write(body);
                  }
                }));
    // The registry's front: the real registry's answers, except blobs, which redirect to the CDN.
    io.gpux.testing.LoopbackServer front =
        keep(
            io.gpux.testing.LoopbackServer.start(
                0,
                "front",
                ex -> {
                  try (ex) {
                    String path = ex.getRequestURI().toString();
                    if (path.contains("/blobs/") && path.contains(OciArtifacts.digest(onnx))) {
                      ex.getResponseHeaders()
                          .add("Location", "http://localhost:" + cdn.port() + "/signed?x=1");
                      ex.sendResponseHeaders(307, -1);
                      return;
                    }
                    HttpRequest.Builder b =
                        HttpRequest.newBuilder(URI.create("http://" + r.host() + path))
                            .method(ex.getRequestMethod(), HttpRequest.BodyPublishers.noBody());
                    for (String h : List.of("Authorization", "Accept")) {
                      String v = ex.getRequestHeaders().getFirst(h);
                      if (v != null) {
                        b.header(h, v);
                      }
                    }
                    HttpResponse<byte[]> up =
                        http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
                    for (String h :
                        List.of("Content-Type", "Docker-Content-Digest", "WWW-Authenticate")) {
                      up.headers().firstValue(h).ifPresent(v -> ex.getResponseHeaders().add(h, v));
                    }
                    boolean head = ex.getRequestMethod().equals("HEAD");
                    ex.sendResponseHeaders(
                        up.statusCode(), head || up.body().length == 0 ? -1 : up.body().length);
                    if (!head) {
                      ex.getResponseBody().write(up.body());
                    }
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                }));
    Gpux gpux = gpux(Map.of("GPUX_OCI_USERNAME", "alice", "GPUX_OCI_PASSWORD", "pw-redirect-9"));
    VersionManifest m =
        gpux.models()
            .pull(
                "oci://127.0.0.1:" + front.port() + "/acme/adder:v1",
                PullOptions.defaults(),
                TransferListener.NONE)
            .manifest();
    assertEquals(io.gpux.digest.Sha256.hex(onnx), files(m).get("model.onnx"));
    assertEquals(List.of("null"), cdnAuth, "the CDN got the blob request, without credentials");
  }

  /** A push token from the token service, as docker would get one. */
  static String token(TokenService tokens, String user, String password, String repo)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(
            URI.create(
                tokens.realm()
                    + "?service="
                    + TokenService.SERVICE
                    + "&scope=repository:"
                    + repo
                    + ":pull,push"));
    if (user != null) {
      b.header(
          "Authorization",
          "Basic "
              + Base64.getEncoder()
                  .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }
    String body =
        HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString()).body();
    return io.gpux.json.Json.mapper().readTree(body).path("token").asText();
  }
}
