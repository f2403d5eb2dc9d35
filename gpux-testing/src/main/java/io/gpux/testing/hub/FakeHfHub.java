package io.gpux.testing.hub;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A local Hugging Face Hub that speaks the protocol {@code huggingface_hub} uses (see the research
 * notes, §1): model info with {@code siblings} and {@code ?blobs=True}, the paginated {@code /tree}
 * and {@code /api/models} listings with absolute {@code Link} headers, refs, {@code resolve} with
 * {@code X-Repo-Commit}, {@code ETag} and, for LFS files, a redirect to a CDN URL carrying {@code
 * X-Linked-Etag}/{@code X-Linked-Size}; typed errors in {@code X-Error-Code}; {@code Range}
 * requests. It can inject faults into downloads and records every request.
 *
 * <p>Its faithfulness is proven by pointing the official client at it ({@code
 * python/hf_fidelity.py}). Run it alone with {@code main --root DIR [--port N]}: each {@code
 * DIR/org/name/} folder becomes a repository.
 */
public final class FakeHfHub implements AutoCloseable {
  private final HttpServer server;
  private final Map<String, HubRepo> repos = new ConcurrentHashMap<>();
  private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
  private final List<ScriptedFault> faults = new CopyOnWriteArrayList<>();
  private volatile String cdnHost = "localhost"; // another host than the API, like the real CDN
  private volatile int pageSize = 50;

  /** One request as the hub saw it (the token itself is not kept). */
  public record RecordedRequest(
      String method, String host, String path, boolean authorized, String range) {}

  private record ScriptedFault(Predicate<String> path, Fault fault) {}

  private FakeHfHub(HttpServer server) {
    this.server = server;
  }

  public static FakeHfHub start() {
    try {
      HttpServer s =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
      FakeHfHub hub = new FakeHfHub(s);
      s.createContext("/", hub::handle);
      s.setExecutor(
          Executors.newCachedThreadPool(
              r -> {
                Thread t = new Thread(r, "fake-hf-hub");
                t.setDaemon(true);
                return t;
              }));
      s.start();
      return hub;
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the fake hub", e);
    }
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public HubRepo repo(String id) {
    return repos.computeIfAbsent(id, HubRepo::new);
  }

  /** Serves LFS downloads from another host name (same server), as the real Hub's CDN. */
  public FakeHfHub cdnHost(String host) {
    this.cdnHost = host;
    return this;
  }

  public FakeHfHub pageSize(int size) {
    this.pageSize = size;
    return this;
  }

  /** The next download whose path contains {@code pathPart} gets {@code fault} (once). */
  public FakeHfHub fault(String pathPart, Fault fault) {
    faults.add(new ScriptedFault(p -> p.contains(pathPart), fault));
    return this;
  }

  public List<RecordedRequest> requests() {
    return List.copyOf(requests);
  }

  public void clearRequests() {
    requests.clear();
  }

  /** Requests to routes the fake does not know: a newer client calling something new. */
  public List<RecordedRequest> unknownRoutes() {
    return Collections.unmodifiableList(unknown);
  }

  private final List<RecordedRequest> unknown = new CopyOnWriteArrayList<>();

  private void handle(HttpExchange x) throws IOException {
    String raw = x.getRequestURI().getRawPath();
    String host = String.valueOf(x.getRequestHeaders().getFirst("Host")).replaceAll(":\\d+$", "");
    RecordedRequest rec =
        new RecordedRequest(
            x.getRequestMethod(),
            host,
            raw,
            x.getRequestHeaders().containsKey("Authorization"),
            x.getRequestHeaders().getFirst("Range"));
    requests.add(rec);
    try {
      route(x, raw, rec);
    } catch (RuntimeException e) {
      send(x, 500, "application/json", JsonText.of(Map.of("error", String.valueOf(e))), Map.of());
    } finally {
      x.close();
    }
  }

  private void route(HttpExchange x, String raw, RecordedRequest rec) throws IOException {
    Map<String, List<String>> query = query(x.getRequestURI().getRawQuery());
    if (raw.equals("/api/models")) {
      listModels(x, query);
      return;
    }
    if (raw.startsWith("/api/models/")) {
      api(x, raw.substring("/api/models/".length()), query);
      return;
    }
    if (raw.startsWith("/cdn/")) {
      cdn(x, raw.substring("/cdn/".length()));
      return;
    }
    int resolve = raw.indexOf("/resolve/");
    if (resolve > 0) {
      resolve(x, decode(raw.substring(1, resolve)), raw.substring(resolve + "/resolve/".length()));
      return;
    }
    unknown.add(rec);
    error(x, 404, null, "fake hub: unknown route " + x.getRequestMethod() + " " + raw);
  }

  /** /api/models/{org}/{name}[/revision/{rev} | /tree/{rev}[/{path}] | /refs]. */
  private void api(HttpExchange x, String rest, Map<String, List<String>> query)
      throws IOException {
    String[] parts = rest.split("/", -1);
    if (parts.length < 2) {
      error(x, 404, "RepoNotFound", "Repository not found");
      return;
    }
    String id = decode(parts[0]) + "/" + decode(parts[1]);
    HubRepo repo = visible(x, id);
    if (repo == null) {
      return;
    }
    String kind = parts.length > 2 ? parts[2] : "";
    String rev = parts.length > 3 ? decode(parts[3]) : "main";
    switch (kind) {
      case "", "revision" -> {
        String sha = commitOrError(x, repo, rev);
        if (sha != null) {
          send(
              x,
              200,
              "application/json",
              JsonText.of(info(repo, sha, query.containsKey("blobs"))),
              Map.of());
        }
      }
      case "tree" -> {
        String sha = commitOrError(x, repo, rev);
        if (sha != null) {
          String prefix =
              parts.length > 4
                  ? decode(String.join("/", java.util.Arrays.copyOfRange(parts, 4, parts.length)))
                  : "";
          tree(x, repo, sha, prefix, "true".equalsIgnoreCase(first(query, "recursive")), query);
        }
      }
      case "refs" -> send(x, 200, "application/json", JsonText.of(refs(repo)), Map.of());
      default -> {
        unknown.add(requests.get(requests.size() - 1));
        error(x, 404, null, "fake hub: unknown route " + rest);
      }
    }
  }

  private Map<String, Object> info(HubRepo repo, String sha, boolean blobs) {
    List<Object> siblings = new ArrayList<>();
    for (HubFile f : repo.commits.get(sha).values()) {
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("rfilename", f.path());
      if (blobs) {
        s.put("size", f.size());
        s.put("blobId", f.gitBlobSha1());
        if (f.lfs()) {
          s.put("lfs", Map.of("size", f.size(), "sha256", f.sha256(), "pointerSize", 134));
        }
      }
      siblings.add(s);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("_id", Integer.toHexString(repo.id.hashCode()));
    m.put("id", repo.id);
    m.put("modelId", repo.id);
    m.put("author", repo.id.substring(0, repo.id.indexOf('/')));
    m.put("sha", sha);
    m.put("lastModified", "2026-01-02T03:04:05.000Z");
    m.put("createdAt", "2025-01-01T00:00:00.000Z");
    m.put("private", repo.privateToken != null);
    m.put("gated", repo.gated ? "manual" : Boolean.FALSE);
    m.put("disabled", false);
    m.put("downloads", repo.downloads);
    m.put("likes", 7);
    m.put("library_name", repo.libraryName);
    if (repo.pipelineTag != null) {
      m.put("pipeline_tag", repo.pipelineTag);
    }
    m.put("tags", repo.cardTags);
    m.put("cardData", Map.of("license", "apache-2.0"));
    m.put("siblings", siblings);
    m.put("spaces", List.of());
    return m;
  }

  private void tree(
      HttpExchange x,
      HubRepo repo,
      String sha,
      String prefix,
      boolean recursive,
      Map<String, List<String>> query)
      throws IOException {
    List<Object> items = new ArrayList<>();
    java.util.Set<String> dirs = new java.util.TreeSet<>();
    for (HubFile f : repo.commits.get(sha).values()) {
      if (!prefix.isEmpty() && !f.path().startsWith(prefix + "/")) {
        continue;
      }
      String rel = prefix.isEmpty() ? f.path() : f.path().substring(prefix.length() + 1);
      if (!recursive && rel.contains("/")) {
        dirs.add((prefix.isEmpty() ? "" : prefix + "/") + rel.substring(0, rel.indexOf('/')));
        continue;
      }
      if (recursive) {
        String[] segs = f.path().split("/");
        for (int i = 1; i < segs.length; i++) {
          String d = String.join("/", java.util.Arrays.copyOfRange(segs, 0, i));
          if (prefix.isEmpty() || d.startsWith(prefix + "/")) {
            dirs.add(d);
          }
        }
      }
      Map<String, Object> item = new LinkedHashMap<>();
      item.put("type", "file");
      item.put("oid", f.gitBlobSha1());
      item.put("size", f.size());
      item.put("path", f.path());
      if (f.lfs()) {
        item.put("lfs", Map.of("oid", f.sha256(), "size", f.size(), "pointerSize", 134));
      }
      items.add(item);
    }
    for (String d : dirs) {
      items.add(Map.of("type", "directory", "oid", "0".repeat(40), "path", d));
    }
    page(x, items, query);
  }

  private Map<String, Object> refs(HubRepo repo) {
    List<Object> branches = new ArrayList<>();
    repo.branches.forEach(
        (b, s) -> branches.add(Map.of("name", b, "ref", "refs/heads/" + b, "targetCommit", s)));
    List<Object> tags = new ArrayList<>();
    repo.tags.forEach(
        (t, s) -> tags.add(Map.of("name", t, "ref", "refs/tags/" + t, "targetCommit", s)));
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("branches", branches);
    m.put("converts", List.of());
    m.put("tags", tags);
    m.put("pullRequests", List.of());
    return m;
  }

  private void listModels(HttpExchange x, Map<String, List<String>> query) throws IOException {
    String search = first(query, "search");
    String author = first(query, "author");
    List<String> filters = query.getOrDefault("filter", List.of());
    List<Object> items = new ArrayList<>();
    for (HubRepo r : new java.util.TreeMap<>(repos).values()) {
      if (r.privateToken != null || r.head() == null) {
        continue;
      }
      if ((search != null && !r.id.toLowerCase().contains(search.toLowerCase()))
          || (author != null && !r.id.startsWith(author + "/"))
          || !r.cardTags.containsAll(filters)) {
        continue;
      }
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("_id", Integer.toHexString(r.id.hashCode()));
      m.put("id", r.id);
      m.put("modelId", r.id);
      m.put("likes", 7);
      m.put("downloads", r.downloads);
      m.put("private", false);
      m.put("tags", r.cardTags);
      if (r.pipelineTag != null) {
        m.put("pipeline_tag", r.pipelineTag);
      }
      m.put("library_name", r.libraryName);
      m.put("createdAt", "2025-01-01T00:00:00.000Z");
      m.put("lastModified", "2026-01-02T03:04:05.000Z");
      items.add(m);
    }
    String limit = first(query, "limit");
    if (limit != null && Integer.parseInt(limit) < items.size()) {
      items = items.subList(0, Integer.parseInt(limit));
    }
    page(x, items, query);
  }

  /** GitHub-style pagination with an absolute next link, as the Hub does. */
  private void page(HttpExchange x, List<Object> items, Map<String, List<String>> query)
      throws IOException {
    int cursor = Integer.parseInt(first(query, "cursor") == null ? "0" : first(query, "cursor"));
    int end = Math.min(items.size(), cursor + pageSize);
    Map<String, String> headers = new LinkedHashMap<>();
    if (end < items.size()) {
      String q =
          x.getRequestURI().getRawQuery() == null
              ? ""
              : x.getRequestURI().getRawQuery().replaceAll("&?cursor=\\d+", "");
      headers.put(
          "Link",
          "<"
              + url()
              + x.getRequestURI().getRawPath()
              + "?"
              + (q.isEmpty() ? "" : q + "&")
              + "cursor="
              + end
              + ">; rel=\"next\"");
    }
    send(x, 200, "application/json", JsonText.of(items.subList(cursor, end)), headers);
  }

  /** HEAD/GET /{org}/{name}/resolve/{rev}/{path}. */
  private void resolve(HttpExchange x, String id, String revAndPath) throws IOException {
    HubRepo repo = visible(x, id);
    if (repo == null) {
      return;
    }
    int slash = revAndPath.indexOf('/');
    String rev = decode(slash < 0 ? revAndPath : revAndPath.substring(0, slash));
    String path = slash < 0 ? "" : decode(revAndPath.substring(slash + 1));
    String sha = commitOrError(x, repo, rev);
    if (sha == null) {
      return;
    }
    HubFile f = repo.commits.get(sha).get(path);
    Map<String, String> h = new LinkedHashMap<>();
    h.put("X-Repo-Commit", sha);
    if (f == null) {
      error(x, 404, "EntryNotFound", path + " does not exist on " + rev, h);
      return;
    }
    if (f.lfs()) {
      h.put(
          "Location",
          "http://" + cdnHost + ":" + server.getAddress().getPort() + "/cdn/" + f.sha256());
      h.put("X-Linked-Etag", "\"" + f.sha256() + "\"");
      h.put("X-Linked-Size", Long.toString(f.size()));
      h.put("ETag", "\"" + f.gitBlobSha1() + "\"");
      send(x, 302, null, null, h);
      return;
    }
    h.put("ETag", "\"" + f.gitBlobSha1() + "\"");
    body(x, f, h);
  }

  private void cdn(HttpExchange x, String sha256) throws IOException {
    for (HubRepo r : repos.values()) {
      for (Map<String, HubFile> files : r.commits.values()) {
        for (HubFile f : files.values()) {
          if (f.lfs() && f.sha256().equals(sha256)) {
            body(x, f, new LinkedHashMap<>());
            return;
          }
        }
      }
    }
    error(x, 404, null, "no such object");
  }

  /** Streams file bytes honouring Range, unless a scripted fault says otherwise. */
  private void body(HttpExchange x, HubFile f, Map<String, String> headers) throws IOException {
    Fault fault = takeFault(f.path());
    if (fault instanceof Fault.Status s) {
      if (s.retryAfter() != null) {
        headers.put("Retry-After", s.retryAfter());
      }
      error(x, s.status(), null, "injected " + s.status(), headers);
      return;
    }
    long size = f.size();
    long start = 0;
    long end = size - 1;
    String range = x.getRequestHeaders().getFirst("Range");
    headers.put("Accept-Ranges", "bytes");
    int status = 200;
    if (range != null && range.startsWith("bytes=") && !(fault instanceof Fault.IgnoreRange)) {
      String[] se = range.substring(6).split("-", -1);
      start = Long.parseLong(se[0]);
      end =
          se.length > 1 && !se[1].isEmpty() ? Math.min(size - 1, Long.parseLong(se[1])) : size - 1;
      if (start >= size) {
        headers.put("Content-Range", "bytes */" + size);
        error(x, 416, null, "range not satisfiable", headers);
        return;
      }
      status = 206;
      headers.put("Content-Range", "bytes " + start + "-" + end + "/" + size);
    }
    long length = end - start + 1;
    headers.forEach((k, v) -> x.getResponseHeaders().set(k, v));
    x.getResponseHeaders().set("Content-Type", "application/octet-stream");
    if (x.getRequestMethod().equals("HEAD")) {
      x.getResponseHeaders().set("Content-Length", Long.toString(length));
      x.sendResponseHeaders(status, -1);
      return;
    }
    x.sendResponseHeaders(status, length);
    long cut =
        fault instanceof Fault.Drop d
            ? d.afterBytes()
            : fault instanceof Fault.Stall s ? s.afterBytes() : length;
    long corruptAt = fault instanceof Fault.Corrupt ? length / 2 : -1;
    OutputStream out = x.getResponseBody();
    try (java.io.InputStream in = f.open(start)) {
      byte[] buf = new byte[1 << 16];
      long sent = 0;
      while (sent < Math.min(cut, length)) {
        int n = in.read(buf, 0, (int) Math.min(buf.length, Math.min(cut, length) - sent));
        if (n < 0) {
          break;
        }
        if (corruptAt >= sent && corruptAt < sent + n) {
          buf[(int) (corruptAt - sent)] ^= 0x5a;
        }
        out.write(buf, 0, n);
        sent += n;
      }
    }
    out.flush();
    if (fault instanceof Fault.Stall s) {
      sleep(s.millis());
    }
    if (cut < length) {
      // Abort mid-body: the client sees the connection end early.
      throw new IOException("fault injected: connection dropped after " + cut + " bytes");
    }
  }

  private Fault takeFault(String path) {
    for (ScriptedFault f : faults) {
      if (f.path().test(path) && faults.remove(f)) {
        return f.fault();
      }
    }
    return null;
  }

  private HubRepo visible(HttpExchange x, String id) throws IOException {
    HubRepo repo = repos.get(id);
    String auth = x.getRequestHeaders().getFirst("Authorization");
    if (repo == null
        || repo.head() == null
        || (repo.privateToken != null && !("Bearer " + repo.privateToken).equals(auth))) {
      error(x, 404, "RepoNotFound", "Repository not found");
      return null;
    }
    if (repo.gated) {
      boolean authed = auth != null;
      error(
          x,
          authed ? 403 : 401,
          "GatedRepo",
          "Access to model "
              + id
              + " is restricted. You must have access to it and be authenticated to access it. Please log in.");
      return null;
    }
    return repo;
  }

  private String commitOrError(HttpExchange x, HubRepo repo, String rev) throws IOException {
    String sha = repo.resolve(rev);
    if (sha == null) {
      error(x, 404, "RevisionNotFound", "Invalid rev id: " + rev);
    }
    return sha;
  }

  private void error(HttpExchange x, int status, String code, String message) throws IOException {
    error(x, status, code, message, new LinkedHashMap<>());
  }

  private void error(
      HttpExchange x, int status, String code, String message, Map<String, String> headers)
      throws IOException {
    Map<String, String> h = new LinkedHashMap<>(headers);
    if (code != null) {
      h.put("X-Error-Code", code);
    }
    h.put("X-Error-Message", message);
    send(x, status, "application/json", JsonText.of(Map.of("error", message)), h);
  }

  private static void send(
      HttpExchange x, int status, String type, String body, Map<String, String> headers)
      throws IOException {
    headers.forEach((k, v) -> x.getResponseHeaders().set(k, v));
    byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    if (type != null) {
      x.getResponseHeaders().set("Content-Type", type);
    }
    if (x.getRequestMethod().equals("HEAD") || bytes.length == 0) {
      x.sendResponseHeaders(status, -1);
      return;
    }
    x.sendResponseHeaders(status, bytes.length);
    x.getResponseBody().write(bytes);
  }

  private static Map<String, List<String>> query(String raw) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (raw == null) {
      return out;
    }
    for (String kv : raw.split("&")) {
      if (kv.isEmpty()) {
        continue;
      }
      int eq = kv.indexOf('=');
      String k = decode(eq < 0 ? kv : kv.substring(0, eq));
      out.computeIfAbsent(k, key -> new ArrayList<>())
          .add(eq < 0 ? "" : decode(kv.substring(eq + 1)));
    }
    return out;
  }

  private static String first(Map<String, List<String>> q, String key) {
    List<String> v = q.get(key);
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }

  /** Serves every {@code ROOT/org/name/} folder as a repository (one commit on main). */
  public static void main(String[] args) throws Exception {
    Path root = null;
    int port = 0;
    for (int i = 0; i < args.length - 1; i++) {
      if (args[i].equals("--root")) {
        root = Path.of(args[i + 1]);
      } else if (args[i].equals("--port")) {
        port = Integer.parseInt(args[i + 1]);
      }
    }
    if (root == null) {
      System.err.println("usage: FakeHfHub --root DIR [--port N]");
      System.exit(2);
    }
    FakeHfHub hub = port == 0 ? start() : startOn(port);
    try (Stream<Path> orgs = Files.list(root)) {
      for (Path org : orgs.filter(Files::isDirectory).toList()) {
        try (Stream<Path> names = Files.list(org)) {
          for (Path repoDir : names.filter(Files::isDirectory).toList()) {
            HubRepo repo = hub.repo(org.getFileName() + "/" + repoDir.getFileName());
            try (Stream<Path> files = Files.walk(repoDir)) {
              for (Path f : files.filter(Files::isRegularFile).toList()) {
                String rel = repoDir.relativize(f).toString().replace('\\', '/');
                boolean lfs =
                    Files.size(f) >= 1 << 20 || rel.endsWith(".onnx") || rel.endsWith("_data");
                repo.diskFile(rel, f, lfs);
              }
            }
            repo.commit("import " + repoDir);
          }
        }
      }
    }
    System.out.println(hub.url());
    Thread.currentThread().join();
  }

  private static FakeHfHub startOn(int port) throws IOException {
    HttpServer s =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
    FakeHfHub hub = new FakeHfHub(s);
    s.createContext("/", hub::handle);
    s.setExecutor(Executors.newCachedThreadPool());
    s.start();
    return hub;
  }
}
