package io.gpux.testing.wandb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;

/**
 * A local Weights &amp; Biases server speaking what the official {@code wandb} client uses for
 * artifacts and registries (research notes, registry-protocols-1 §3): {@code POST /graphql} is
 * answered by a real GraphQL engine over a subset of W&amp;B's schema ({@code schema.graphqls}),
 * with Basic auth as user {@code api}; manifests and files are served by plain unauthenticated GETs
 * of signed {@code directUrl}s, with {@code Range}.
 *
 * <pre>{@code
 * try (FakeWandb wb = FakeWandb.start().requireApiKey(KEY)) {
 *   WandbVersion v = wb.artifact("acme", "mnist", "adder", "model")
 *       .file("model.onnx", bytes).aliases("production").commit();
 *   wb.organization("acme-org", "acme");
 *   wb.link(v, "acme-org", "model", "adder", "staging");
 *   // point the client at wb.url() (WANDB_BASE_URL), then assert on wb.unknownOperations()
 * }
 * }</pre>
 *
 * <p>Queries the schema cannot answer are recorded in {@link #unknownOperations()}, so a newer
 * client's new query fails the fidelity test instead of passing unnoticed. Run alone with {@code
 * --root DIR [--port N] [--api-key KEY]}: each {@code DIR/<entity>/<project>/<artifact>/} folder
 * becomes version v0 of a model artifact.
 */
public final class FakeWandb implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();
  private final io.gpux.testing.LoopbackServer server;
  private final WandbSchema schema;
  final List<WandbCollection> collections = new CopyOnWriteArrayList<>();
  final Map<String, WandbVersion> versions = new ConcurrentHashMap<>();

  /** Organization name -> its org entity; entity -> its organization. */
  final Map<String, String> orgEntities = new ConcurrentHashMap<>();

  final Map<String, String> entityOrgs = new ConcurrentHashMap<>();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final List<String> unknownOperations = new CopyOnWriteArrayList<>();
  private final List<String> credentialedDownloads = new CopyOnWriteArrayList<>();
  private final Set<String> corrupt = ConcurrentHashMap.newKeySet();
  private final AtomicInteger throttle = new AtomicInteger();
  private QuotaWindow quota;
  private final AtomicInteger refusedOverQuota = new AtomicInteger();
  private final AtomicLong ids = new AtomicLong(100);
  private final String signature = UUID.randomUUID().toString().replace("-", "");
  private volatile String apiKey;
  private volatile String viewer = "acme";

  private FakeWandb(int port) {
    schema = new WandbSchema(this);
    server = io.gpux.testing.LoopbackServer.start(port, "fake-wandb", this::handle);
  }

  /** Starts a server on 127.0.0.1 and a free port. */
  public static FakeWandb start() {
    return start(0);
  }

  public static FakeWandb start(int port) {
    return new FakeWandb(port);
  }

  /** The base URL, for {@code WANDB_BASE_URL}. */
  public String url() {
    return "http://127.0.0.1:" + server.port();
  }

  /** Answers GraphQL only with {@code Authorization: Basic base64("api:" + key)}. */
  public FakeWandb requireApiKey(String key) {
    this.apiKey = key;
    return this;
  }

  /** The viewer's (default) entity. */
  public FakeWandb viewer(String entity) {
    this.viewer = entity;
    return this;
  }

  String viewerEntity() {
    return viewer;
  }

  /** Starts logging a version of {@code entity/project/name} (a sequence of this type). */
  public ArtifactBuilder artifact(String entity, String project, String name, String type) {
    WandbCollection c =
        collection(entity, project, name)
            .orElseGet(
                () -> {
                  WandbCollection n =
                      new WandbCollection(
                          nodeId("ArtifactSequence"), entity, project, name, type, false);
                  collections.add(n);
                  return n;
                });
    return new ArtifactBuilder(this, c);
  }

  /** Declares an organization whose org entity is {@code orgName} and whose teams include these. */
  public FakeWandb organization(String orgName, String... teams) {
    orgEntities.put(orgName, orgName);
    entityOrgs.put(orgName, orgName);
    for (String t : teams) {
      entityOrgs.put(t, orgName);
    }
    return this;
  }

  /**
   * Links a version into the registry {@code wandb-registry-<registry>} of an organization, as
   * {@code run.link_artifact} does; returns the portfolio.
   */
  public WandbCollection link(
      WandbVersion v, String org, String registry, String collection, String... aliases) {
    return linkInto(
        orgEntities.getOrDefault(org, org), "wandb-registry-" + registry, collection, v, aliases);
  }

  /** Links a version into the legacy model registry: project {@code model-registry}. */
  public WandbCollection linkLegacy(
      WandbVersion v, String entity, String collection, String... aliases) {
    return linkInto(entity, "model-registry", collection, v, aliases);
  }

  private WandbCollection linkInto(
      String entity, String project, String name, WandbVersion v, String... aliases) {
    WandbCollection c =
        collection(entity, project, name)
            .orElseGet(
                () -> {
                  WandbCollection n =
                      new WandbCollection(
                          nodeId("ArtifactPortfolio"),
                          entity,
                          project,
                          name,
                          v.sequence.type,
                          true);
                  collections.add(n);
                  return n;
                });
    c.add(v, List.of(aliases));
    return c;
  }

  synchronized WandbVersion commit(
      WandbCollection seq,
      Map<String, byte[]> files,
      Map<String, String> references,
      String metadata,
      String state,
      Instant created,
      WandbVersion.WandbRun run,
      String description,
      List<String> aliases) {
    int index = seq.members().size();
    Instant at =
        created != null
            ? created
            : Instant.parse("2026-01-01T00:00:00Z").plusSeconds(60L * ids.get());
    WandbVersion v =
        new WandbVersion(
            ids.incrementAndGet(),
            seq,
            index,
            files,
            references,
            metadata,
            state,
            at,
            run,
            description);
    seq.add(v, aliases);
    versions.put(v.id, v);
    return v;
  }

  /**
   * The collection (an artifact's sequence, or a registry's portfolio) {@code entity/project/name},
   * for moving its aliases ({@link WandbCollection#alias}).
   */
  public WandbCollection collectionOf(String entity, String project, String name) {
    return collection(entity, project, name)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "no collection " + entity + "/" + project + "/" + name));
  }

  Optional<WandbCollection> collection(String entity, String project, String name) {
    return collections.stream()
        .filter(c -> c.entity.equals(entity) && c.project.equals(project) && c.name.equals(name))
        .findFirst();
  }

  boolean projectExists(String entity, String project) {
    return collections.stream().anyMatch(c -> c.entity.equals(entity) && c.project.equals(project));
  }

  String nodeId(String type) {
    return Base64.getEncoder()
        .encodeToString((type + ":" + ids.incrementAndGet()).getBytes(StandardCharsets.UTF_8));
  }

  /** Serves this file of this version with one byte changed: its MD5 no longer matches. */
  public FakeWandb corrupt(WandbVersion v, String path) {
    corrupt.add(v.number + "/" + path);
    return this;
  }

  /** The next {@code n} GraphQL requests are answered 429 with {@code Retry-After: 0}. */
  public FakeWandb throttleNext(int n) {
    throttle.set(n);
    return this;
  }

  /**
   * A request quota for GraphQL, as W&B's API enforces one: {@code limit} requests a {@code
   * window}; every answer carries {@code RateLimit-Limit}, {@code RateLimit-Remaining} and {@code
   * RateLimit-Reset} (seconds), and a request over the quota gets 429 with the same headers.
   */
  public synchronized FakeWandb rateLimit(int limit, java.time.Duration window) {
    quota = new QuotaWindow(limit, window.toNanos());
    return this;
  }

  /** GraphQL requests refused with 429 because the quota was spent. */
  public int refusedOverQuota() {
    return refusedOverQuota.get();
  }

  /** Whether the quota of {@link #rateLimit} was ever used up. */
  public synchronized boolean quotaWasSpent() {
    return quota != null && quota.spentOnce;
  }

  /** A fixed window: {@code limit} requests from {@code start}, then a new window. */
  private static final class QuotaWindow {
    final int limit;
    final long windowNanos;
    long start = System.nanoTime();
    int used;
    boolean spentOnce;

    QuotaWindow(int limit, long windowNanos) {
      this.limit = limit;
      this.windowNanos = windowNanos;
    }

    /** Counts a request; false when it is over the quota. Sets the headers either way. */
    boolean admit(HttpExchange ex) {
      long now = System.nanoTime();
      if (now - start >= windowNanos) {
        start = now;
        used = 0;
      }
      boolean ok = used < limit;
      if (ok) {
        used++;
      }
      spentOnce |= used >= limit;
      long resetSeconds = Math.max(1, (start + windowNanos - now + 999_999_999L) / 1_000_000_000L);
      ex.getResponseHeaders().set("RateLimit-Limit", Integer.toString(limit));
      ex.getResponseHeaders().set("RateLimit-Remaining", Integer.toString(limit - used));
      ex.getResponseHeaders().set("RateLimit-Reset", Long.toString(resetSeconds));
      return ok;
    }
  }

  private synchronized boolean admit(HttpExchange ex) {
    return quota == null || quota.admit(ex);
  }

  /** Requests as {@code METHOD path} lines, and GraphQL requests by their root fields. */
  public List<String> requests() {
    return List.copyOf(requests);
  }

  /** GraphQL documents the schema could not answer, and routes that do not exist. */
  public List<String> unknownOperations() {
    return List.copyOf(unknownOperations);
  }

  /** Manifest and file GETs that carried an Authorization header (clients must send none). */
  public List<String> credentialedDownloads() {
    return List.copyOf(credentialedDownloads);
  }

  String manifestUrl(WandbVersion v) {
    return url() + "/manifests/" + v.number + "?sig=" + signature;
  }

  String fileUrl(WandbVersion v, String path) {
    return url() + "/files/" + v.number + "/" + path + "?sig=" + signature;
  }

  String manifestJson(WandbVersion v) {
    ObjectNode root = JSON.createObjectNode();
    root.put("version", 1);
    root.put("storagePolicy", "wandb-storage-policy-v1");
    root.putObject("storagePolicyConfig")
        .put("storageLayout", "V2")
        .put("storageRegion", "default");
    ObjectNode contents = root.putObject("contents");
    v.files.forEach(
        (p, b) ->
            contents
                .putObject(p)
                .put("digest", v.md5(p))
                .put("size", b.length)
                .put("birthArtifactID", v.id));
    v.references.forEach(
        (p, url) ->
            contents
                .putObject(p)
                .put("digest", WandbVersion.md5Base64(url.getBytes(StandardCharsets.UTF_8)))
                .put("ref", url)
                .put("size", 0)
                .putObject("extra"));
    return root.toString();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getPath();
      requests.add(ex.getRequestMethod() + " " + path);
      if (path.equals("/graphql") && ex.getRequestMethod().equals("POST")) {
        graphql(ex);
      } else if (path.startsWith("/manifests/") || path.startsWith("/files/")) {
        if (ex.getRequestHeaders().containsKey("Authorization")) {
          credentialedDownloads.add(path);
        }
        download(ex, path);
      } else {
        unknownOperations.add(ex.getRequestMethod() + " " + ex.getRequestURI());
        send(
            ex,
            404,
            "application/json",
            "{\"error\":\"not found\"}".getBytes(StandardCharsets.UTF_8));
      }
    } catch (RuntimeException e) {
      send(ex, 500, "text/plain", String.valueOf(e).getBytes(StandardCharsets.UTF_8));
    }
  }

  private void graphql(HttpExchange ex) throws IOException {
    if (apiKey != null && !authorized(ex.getRequestHeaders().getFirst("Authorization"))) {
      send(
          ex,
          401,
          "application/json",
          "{\"errors\":[{\"message\":\"user is not logged in\"}]}"
              .getBytes(StandardCharsets.UTF_8));
      return;
    }
    if (!admit(ex)) {
      refusedOverQuota.incrementAndGet();
      tooManyRequests(ex);
      return;
    }
    if (throttle.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      ex.getResponseHeaders().set("Retry-After", "0");
      tooManyRequests(ex);
      return;
    }
    InputStream in = ex.getRequestBody();
    if ("gzip".equalsIgnoreCase(ex.getRequestHeaders().getFirst("Content-Encoding"))) {
      in = new GZIPInputStream(in);
    }
    JsonNode req = JSON.readTree(in.readAllBytes());
    String query = req.path("query").asText("");
    Map<String, Object> variables =
        req.path("variables").isObject()
            ? JSON.convertValue(req.path("variables"), Map.class)
            : Map.of();
    WandbSchema.Answer answer = schema.execute(query, variables);
    requests.add("graphql " + answer.rootFields());
    if (answer.unknown()) {
      unknownOperations.add(query + "\n-> " + answer.errors());
    }
    send(ex, 200, "application/json", JSON.writeValueAsBytes(answer.body()));
  }

  private boolean authorized(String header) {
    if (header == null || !header.startsWith("Basic ")) {
      return false;
    }
    try {
      String decoded =
          new String(
              Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
      return decoded.equals("api:" + apiKey);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private void download(HttpExchange ex, String path) throws IOException {
    String query = ex.getRequestURI().getRawQuery();
    if (query == null || !query.equals("sig=" + signature)) {
      send(ex, 403, "text/plain", "bad signature".getBytes(StandardCharsets.UTF_8));
      return;
    }
    boolean manifest = path.startsWith("/manifests/");
    String rest = path.substring(manifest ? "/manifests/".length() : "/files/".length());
    int slash = rest.indexOf('/');
    String number = manifest ? rest : rest.substring(0, Math.max(slash, 0));
    WandbVersion v =
        versions.values().stream()
            .filter(x -> Long.toString(x.number).equals(number))
            .findFirst()
            .orElse(null);
    if (v == null || (!manifest && slash < 0)) {
      send(ex, 404, "text/plain", "no such object".getBytes(StandardCharsets.UTF_8));
      return;
    }
    byte[] body;
    if (manifest) {
      body = manifestJson(v).getBytes(StandardCharsets.UTF_8);
    } else {
      String file = rest.substring(slash + 1);
      body = v.files.get(file);
      if (body == null) {
        send(ex, 404, "text/plain", "no such object".getBytes(StandardCharsets.UTF_8));
        return;
      }
      if (corrupt.contains(v.number + "/" + file) && body.length > 0) {
        body = body.clone();
        body[body.length - 1] ^= 0x5a;
      }
    }
    String range = ex.getRequestHeaders().getFirst("Range");
    if (range != null && range.matches("bytes=\\d+-\\d*")) {
      String[] parts = range.substring(6).split("-", -1);
      int from = Integer.parseInt(parts[0]);
      int to =
          parts[1].isEmpty()
              ? body.length - 1
              : Math.min(Integer.parseInt(parts[1]), body.length - 1);
      if (from < body.length) {
        byte[] slice = java.util.Arrays.copyOfRange(body, from, to + 1);
        ex.getResponseHeaders()
            .set("Content-Range", "bytes " + from + "-" + to + "/" + body.length);
        send(ex, 206, "application/octet-stream", slice);
        return;
      }
    }
    send(ex, 200, manifest ? "application/json" : "application/octet-stream", body);
  }

  private static void tooManyRequests(HttpExchange ex) throws IOException {
    send(
        ex,
        429,
        "application/json",
        "{\"errors\":[{\"message\":\"rate limit exceeded\"}]}".getBytes(StandardCharsets.UTF_8));
  }

  private static void send(HttpExchange ex, int status, String type, byte[] body)
      throws IOException {
    ex.getResponseHeaders().set("Content-Type", type);
    boolean head = ex.getRequestMethod().equals("HEAD");
    ex.sendResponseHeaders(status, head ? -1 : (body.length == 0 ? -1 : body.length));
    if (!head && body.length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
  }

  @Override
  public void close() {
    server.close();
  }

  /** {@code --root DIR [--port N] [--api-key KEY]}: serves each entity/project/artifact folder. */
  public static void main(String[] args) throws Exception {
    Path root = null;
    int port = 0;
    String key = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--root" -> root = Path.of(args[++i]);
        case "--port" -> port = Integer.parseInt(args[++i]);
        case "--api-key" -> key = args[++i];
        default ->
            throw new IllegalArgumentException("usage: --root DIR [--port N] [--api-key KEY]");
      }
    }
    FakeWandb wb = start(port);
    if (key != null) {
      wb.requireApiKey(key);
    }
    if (root != null) {
      Path top = root;
      List<Path> dirs = new ArrayList<>();
      try (var s = Files.walk(top, 3)) {
        s.filter(p -> top.relativize(p).getNameCount() == 3 && Files.isDirectory(p))
            .forEach(dirs::add);
      }
      for (Path d : dirs) {
        Path rel = top.relativize(d);
        ArtifactBuilder b =
            wb.artifact(
                rel.getName(0).toString(),
                rel.getName(1).toString(),
                rel.getName(2).toString(),
                "model");
        try (var s = Files.walk(d)) {
          for (Path f : s.filter(Files::isRegularFile).toList()) {
            b.file(d.relativize(f).toString().replace('\\', '/'), Files.readAllBytes(f));
          }
        }
        b.commit();
      }
    }
    System.out.println("W&B test server at " + wb.url());
    Thread.currentThread().join();
  }
}
