package io.gpux.testing.hf;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A local Hugging Face Hub speaking the protocol the official {@code huggingface_hub} client uses
 * (research notes, registry-protocols-1 §1), so download code can be tested without a network and
 * with faults on demand. It serves model info ({@code siblings}, {@code ?blobs=True}, {@code
 * expand}), the model search, tree, refs and commits listings with absolute {@code Link}
 * pagination, {@code whoami-v2}, and {@code resolve} with {@code X-Repo-Commit}, git blob {@code
 * ETag}s and, for LFS files, a 302 to a CDN path carrying {@code X-Linked-Etag}/{@code
 * X-Linked-Size}; the CDN honours {@code Range}. Errors carry the Hub's {@code X-Error-Code}, which
 * the client turns into typed exceptions. It never sends {@code X-Xet-*} headers, so clients use
 * plain HTTP.
 *
 * <pre>{@code
 * try (FakeHfHub hub = FakeHfHub.start()) {
 *   hub.repo("acme/bert").file("config.json", "{}").lfsFile("onnx/model.onnx", bytes).commit("init");
 *   hub.faults().next("onnx/model.onnx", Fault.dropAfter(100));
 *   // point the client at hub.url() (HF_ENDPOINT), then assert on hub.requests()
 * }
 * }</pre>
 *
 * <p>{@code python/hf_fidelity.py} and {@code HuggingFaceHubClientFidelityTest} prove it faithful
 * by running the official client against it. Run alone with {@code --root DIR [--port N]}: each
 * {@code DIR/<org>/<name>/} folder is served as one repo, its files one commit on {@code main}.
 */
public final class FakeHfHub implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(FakeHfHub.class.getName());

  private final io.gpux.testing.LoopbackServer server;
  private final Map<String, FakeRepo> repos = new ConcurrentHashMap<>();
  private final Map<String, String> users = new ConcurrentHashMap<>();
  private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
  private final List<RecordedRequest> unknownRoutes = new CopyOnWriteArrayList<>();
  private final FaultPlan faults = new FaultPlan();
  private volatile int pageSize = 1000; // the Hub's own page size
  private volatile long lfsThreshold = 1 << 20;
  private volatile String cdnHost = "localhost";
  private volatile String requiredToken;

  private FakeHfHub(int port) {
    server = io.gpux.testing.LoopbackServer.start(port, "fake-hf-hub", new HubHandler(this));
  }

  /** Starts a hub on 127.0.0.1 and a free port. */
  public static FakeHfHub start() {
    return start(0);
  }

  public static FakeHfHub start(int port) {
    return new FakeHfHub(port);
  }

  /** The endpoint, {@code http://127.0.0.1:<port>}: what {@code HF_ENDPOINT} should be. */
  public String url() {
    return "http://127.0.0.1:" + port();
  }

  public int port() {
    return server.port();
  }

  private final Map<String, Map<String, Object>> collections = new ConcurrentHashMap<>();

  /**
   * A collection at {@code GET /api/collections/{slug}} ({@code slug}: {@code owner/name-id}), in
   * the Hub's JSON shape: each of {@code models} is a model item, in order, with its note (null:
   * none) from {@code notes}.
   */
  public FakeHfHub collection(
      String slug, String title, String description, List<String> models, List<String> notes) {
    List<Map<String, Object>> items = new java.util.ArrayList<>();
    for (int i = 0; i < models.size(); i++) {
      Map<String, Object> item = new java.util.LinkedHashMap<>();
      item.put("_id", String.format("%024x", i + 1));
      item.put("position", i);
      item.put("type", "model");
      item.put("id", models.get(i));
      item.put("author", models.get(i).split("/")[0]);
      item.put("downloads", 0);
      item.put("likes", 0);
      item.put("private", false);
      item.put("repoType", "model");
      item.put("lastModified", "2026-01-01T00:00:00.000Z");
      String note = notes == null || i >= notes.size() ? null : notes.get(i);
      if (note != null) {
        item.put("note", Map.of("html", note, "text", note));
      }
      items.add(item);
    }
    Map<String, Object> c = new java.util.LinkedHashMap<>();
    c.put("slug", slug);
    c.put("title", title);
    if (description != null) {
      c.put("description", description);
    }
    String owner = slug.split("/")[0];
    c.put("owner", Map.of("_id", "0000000000000000000000aa", "name", owner, "type", "user"));
    c.put("items", items);
    c.put("lastUpdated", "2026-01-01T00:00:00.000Z");
    c.put("position", 0);
    c.put("private", false);
    c.put("theme", "blue");
    c.put("upvotes", 0);
    c.put("isUpvotedByUser", false);
    collections.put(slug, c);
    return this;
  }

  Map<String, Object> collection(String slug) {
    return collections.get(slug);
  }

  /** The repo with this id, created empty (invisible until its first commit) if needed. */
  public FakeRepo repo(String id) {
    return repos.computeIfAbsent(id, i -> new FakeRepo(i, () -> lfsThreshold));
  }

  /**
   * Items per page of every paginated listing (models, tree, commits); small values test paging.
   */
  public FakeHfHub pageSize(int size) {
    if (size < 1) {
      throw new IllegalArgumentException("a page holds at least one item, got " + size);
    }
    this.pageSize = size;
    return this;
  }

  /** Files staged with {@code file(...)} at or above this size are stored in LFS. */
  public FakeHfHub lfsThreshold(long bytes) {
    this.lfsThreshold = bytes;
    return this;
  }

  /**
   * The host name LFS redirects use for this same server; {@code localhost} by default. The real
   * Hub's CDN is another origin, and that matters: {@code huggingface_hub} stops its metadata HEAD
   * at a redirect to another origin, and does not send {@code Authorization} there, but follows a
   * same-origin one and then needs Hub headers ({@code X-Repo-Commit}) that a CDN does not send.
   */
  public FakeHfHub cdnHost(String host) {
    this.cdnHost = host;
    return this;
  }

  /** Makes every route but the CDN answer 401 unless {@code Bearer <token>} is sent. */
  public FakeHfHub requireToken(String token) {
    this.requiredToken = token;
    return this;
  }

  /** Who {@code whoami-v2} says a token belongs to. Tokens used by repos are known anyway. */
  public FakeHfHub user(String token, String name) {
    users.put(token, name);
    return this;
  }

  private volatile java.util.function.UnaryOperator<Map<String, Object>> infoEdit = m -> m;

  /**
   * A hostile Hub: every model info answer ({@code /api/models/{id}/revision/{rev}}) goes through
   * {@code edit} first, so a test can send a {@code sha} or file names the real Hub never would.
   */
  public FakeHfHub editModelInfo(java.util.function.UnaryOperator<Map<String, Object>> edit) {
    this.infoEdit = edit;
    return this;
  }

  Map<String, Object> editInfo(Map<String, Object> info) {
    return infoEdit.apply(info);
  }

  public FaultPlan faults() {
    return faults;
  }

  /** Every request so far, in arrival order. */
  public List<RecordedRequest> requests() {
    return List.copyOf(requests);
  }

  public void clearRequests() {
    requests.clear();
    unknownRoutes.clear();
  }

  /** Requests the fake could not route: a client calling an endpoint the fake does not model. */
  public List<RecordedRequest> unknownRoutes() {
    return List.copyOf(unknownRoutes);
  }

  /** Where resolve redirects an LFS object to. */
  public String cdnUrl(String sha256) {
    return "http://" + cdnHost + ":" + port() + "/cdn/" + sha256;
  }

  @Override
  public void close() {
    server.close();
  }

  /**
   * {@code --root DIR [--port N] [--page-size N] [--lfs-threshold BYTES] [--cdn-host HOST]}: serves
   * each {@code DIR/<org>/<name>/} as a repo, prints the URL and runs until killed.
   */
  public static void main(String[] args) throws Exception {
    FakeHfHub hub;
    try {
      hub = FolderImport.serve(List.of(args));
    } catch (IllegalArgumentException e) {
      System.err.println("FakeHfHub: " + e.getMessage());
      System.err.println(
          "usage: FakeHfHub --root DIR [--port N] [--page-size N] [--lfs-threshold BYTES]"
              + " [--cdn-host HOST]");
      System.exit(2);
      return;
    }
    System.out.println(hub.url());
    System.out.flush();
    Thread.currentThread().join();
  }

  // Package-private: what the routes read.

  FakeRepo existing(String id) {
    return repos.get(id);
  }

  List<FakeRepo> repos() {
    List<FakeRepo> out = new ArrayList<>(repos.values());
    out.sort(Comparator.comparing(FakeRepo::id));
    return out;
  }

  HubFile lfsBlob(String sha256) {
    for (FakeRepo r : repos.values()) {
      HubFile f = r.lfsBlob(sha256);
      if (f != null) {
        return f;
      }
    }
    return null;
  }

  int pageSize() {
    return pageSize;
  }

  String requiredToken() {
    return requiredToken;
  }

  /** The user a bearer token belongs to, or null for none or an unknown token. */
  String userOf(String token) {
    if (token == null) {
      return null;
    }
    if (users.containsKey(token)) {
      return users.get(token);
    }
    boolean known =
        token.equals(requiredToken)
            || repos.values().stream().anyMatch(r -> r.knownTokens().contains(token));
    return known ? "gpux-test" : null;
  }

  void record(RecordedRequest r) {
    requests.add(r);
  }

  /** Requests being answered now, and the most seen at once, by the Host they were sent to. */
  private final Map<String, int[]> concurrent = new ConcurrentHashMap<>();

  void entered(RecordedRequest r) {
    int[] c = concurrent.computeIfAbsent(String.valueOf(r.host()), h -> new int[2]);
    synchronized (c) {
      c[0]++;
      c[1] = Math.max(c[1], c[0]);
    }
  }

  void left(RecordedRequest r) {
    int[] c = concurrent.get(String.valueOf(r.host()));
    synchronized (c) {
      c[0]--;
    }
  }

  /**
   * The most requests the hub was answering at the same time for one {@code Host} (the API and the
   * CDN are two hosts to a client, as on the real Hub): with HTTP/1.1 each needs a connection of
   * its own, so this is the most connections a client held to that host at once.
   */
  public java.util.SortedMap<String, Integer> maxConcurrentRequests() {
    java.util.SortedMap<String, Integer> out = new java.util.TreeMap<>();
    concurrent.forEach(
        (host, c) -> {
          synchronized (c) {
            out.put(host, c[1]);
          }
        });
    return out;
  }

  void unknownRoute(HttpExchange x, RecordedRequest r) throws IOException {
    unknownRoutes.add(r);
    String message = "fake hub: unknown route " + r.method() + " " + r.rawPath();
    LOG.log(System.Logger.Level.WARNING, message);
    Reply.error(x, 404, null, message);
  }
}
