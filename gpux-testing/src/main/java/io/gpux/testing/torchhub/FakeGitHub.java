package io.gpux.testing.torchhub;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.gpux.testing.LoopbackServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * GitHub as torch.hub and GPUX's {@code torchhub:} plug-in use it, on two loopback servers (so a
 * test sees which host got a token):
 *
 * <ul>
 *   <li>web ({@link #webUrl()}, {@code GPUX_GITHUB_URL}): {@code GET /{o}/{r}/tree/{ref}/} (200 or
 *       404, the default-branch probe) and {@code GET /{o}/{r}/zipball/{ref}}, answered as GitHub
 *       does with a 302 to {@code /codeload/{o}/{r}/legacy.zip/{sha}}, a zip with one top-level
 *       folder {@code {o}-{r}-{sha7}/}
 *   <li>API ({@link #apiUrl()}, {@code GPUX_GITHUB_API_URL}): {@code GET
 *       /repos/{o}/{r}/branches|tags?per_page=N&page=P} (JSON arrays in GitHub's fields, paged at
 *       most {@link #pageSize} a page with a {@code Link} header, an empty array past the end),
 *       {@code GET /repos/{o}/{r}/commits/{sha}} (422 for a sha not in the repository, as GitHub)
 * </ul>
 *
 * Anything else answers 500 and is recorded in {@link #unknownRequests()}, which a test asserts
 * empty: a client asking for what GitHub does not serve fails loudly.
 */
public final class FakeGitHub implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern TREE = Pattern.compile("/([^/]+)/([^/]+)/tree/(.+?)/?");
  private static final Pattern ZIPBALL = Pattern.compile("/([^/]+)/([^/]+)/zipball/(.+)");
  private static final Pattern CODELOAD =
      Pattern.compile("/codeload/([^/]+)/([^/]+)/legacy\\.zip/([0-9a-f]{40})");
  private static final Pattern LIST = Pattern.compile("/repos/([^/]+)/([^/]+)/(branches|tags)");
  private static final Pattern COMMIT = Pattern.compile("/repos/([^/]+)/([^/]+)/commits/(.+)");

  /** One repository: commits (sha to files), and branches and tags pointing at commits. */
  public static final class Repo {
    final Map<String, Map<String, byte[]>> commits = new ConcurrentHashMap<>();
    final Map<String, String> branches =
        java.util.Collections.synchronizedMap(new LinkedHashMap<>());
    final Map<String, String> tags = java.util.Collections.synchronizedMap(new LinkedHashMap<>());

    /** Adds a commit of {@code files} (path to bytes) and returns its sha. */
    public String commit(Map<String, byte[]> files) {
      TreeMap<String, byte[]> sorted = new TreeMap<>(files);
      String sha = sha1(sorted, commits.size());
      commits.put(sha, sorted);
      return sha;
    }

    /** Points branch {@code name} at {@code sha} (moving it if it exists). */
    public Repo branch(String name, String sha) {
      branches.put(name, sha);
      return this;
    }

    public Repo tag(String name, String sha) {
      tags.put(name, sha);
      return this;
    }

    /** A commit of {@code files} that {@code branch} then points at; its sha. */
    public String push(String branch, Map<String, byte[]> files) {
      String sha = commit(files);
      branch(branch, sha);
      return sha;
    }

    String resolve(String ref) {
      if (branches.containsKey(ref)) {
        return branches.get(ref);
      }
      if (tags.containsKey(ref)) {
        return tags.get(ref);
      }
      return commits.containsKey(ref) ? ref : null;
    }
  }

  private final LoopbackServer web;
  private final LoopbackServer api;
  private final Map<String, Repo> repos = new ConcurrentHashMap<>();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final List<String> unknown = new CopyOnWriteArrayList<>();
  private volatile int pageSize = 100;

  private FakeGitHub() {
    web = LoopbackServer.start(0, "fake-github-web", x -> handle(x, false));
    api = LoopbackServer.start(0, "fake-github-api", x -> handle(x, true));
  }

  public static FakeGitHub start() {
    return new FakeGitHub();
  }

  public String webUrl() {
    return "http://127.0.0.1:" + web.port();
  }

  public String apiUrl() {
    return "http://127.0.0.1:" + api.port();
  }

  /** The environment that points GPUX at this server. */
  public Map<String, String> env() {
    return Map.of("GPUX_GITHUB_URL", webUrl(), "GPUX_GITHUB_API_URL", apiUrl());
  }

  /** The repository {@code owner/name}, created empty on first use. */
  public Repo repo(String owner, String name) {
    return repos.computeIfAbsent(owner + "/" + name, k -> new Repo());
  }

  /** Pages hold at most this many branches or tags (GitHub: per_page, at most 100). */
  public FakeGitHub pageSize(int n) {
    this.pageSize = n;
    return this;
  }

  /**
   * Requests as {@code web GET /path?query} or {@code api GET /path?query}, with {@code (token)}
   * appended when an Authorization header came with it.
   */
  public List<String> requests() {
    return List.copyOf(requests);
  }

  public List<String> unknownRequests() {
    return List.copyOf(unknown);
  }

  /** The zipball of {@code owner/name} at commit {@code sha}, as the server sends it. */
  public byte[] zipball(String owner, String name, String sha) {
    Repo r = repos.get(owner + "/" + name);
    return zip(owner + "-" + name + "-" + sha.substring(0, 7) + "/", r.commits.get(sha));
  }

  private void handle(HttpExchange x, boolean isApi) throws IOException {
    try (x) {
      String path = x.getRequestURI().getRawPath();
      String query = x.getRequestURI().getRawQuery();
      boolean auth = x.getRequestHeaders().containsKey("Authorization");
      String line =
          (isApi ? "api " : "web ")
              + x.getRequestMethod()
              + " "
              + path
              + (query == null ? "" : "?" + query)
              + (auth ? " (token)" : "");
      requests.add(line);
      if (!x.getRequestMethod().equals("GET")) {
        fail(x, line);
        return;
      }
      Matcher m;
      if (!isApi && (m = TREE.matcher(path)).matches()) {
        Repo r = repos.get(m.group(1) + "/" + m.group(2));
        send(x, r != null && r.resolve(m.group(3)) != null ? 200 : 404, "text/html", new byte[0]);
      } else if (!isApi && (m = ZIPBALL.matcher(path)).matches()) {
        Repo r = repos.get(m.group(1) + "/" + m.group(2));
        String sha = r == null ? null : r.resolve(m.group(3));
        if (sha == null) {
          send(x, 404, "text/plain", "Not Found".getBytes(StandardCharsets.UTF_8));
          return;
        }
        x.getResponseHeaders()
            .set("Location", "/codeload/" + m.group(1) + "/" + m.group(2) + "/legacy.zip/" + sha);
        x.sendResponseHeaders(302, -1);
      } else if (!isApi && (m = CODELOAD.matcher(path)).matches()) {
        Repo r = repos.get(m.group(1) + "/" + m.group(2));
        if (r == null || !r.commits.containsKey(m.group(3))) {
          send(x, 404, "text/plain", new byte[0]);
          return;
        }
        x.getResponseHeaders()
            .set(
                "Content-Disposition",
                "attachment; filename="
                    + m.group(1)
                    + "-"
                    + m.group(2)
                    + "-"
                    + m.group(3).substring(0, 7)
                    + ".zip");
        send(x, 200, "application/zip", zipball(m.group(1), m.group(2), m.group(3)));
      } else if (isApi && (m = LIST.matcher(path)).matches()) {
        list(x, m.group(1), m.group(2), m.group(3), query);
      } else if (isApi && (m = COMMIT.matcher(path)).matches()) {
        Repo r = repos.get(m.group(1) + "/" + m.group(2));
        if (r == null) {
          notFound(x);
        } else if (!r.commits.containsKey(m.group(3))) {
          ObjectNode o =
              JSON.createObjectNode().put("message", "No commit found for SHA: " + m.group(3));
          send(x, 422, "application/json", JSON.writeValueAsBytes(o));
        } else {
          ObjectNode o = JSON.createObjectNode().put("sha", m.group(3));
          o.putObject("commit").put("message", "commit " + m.group(3).substring(0, 7));
          send(x, 200, "application/json", JSON.writeValueAsBytes(o));
        }
      } else {
        fail(x, line);
      }
    }
  }

  private void list(HttpExchange x, String owner, String name, String kind, String query)
      throws IOException {
    Repo r = repos.get(owner + "/" + name);
    if (r == null) {
      notFound(x);
      return;
    }
    Map<String, String> q = new LinkedHashMap<>();
    if (query != null) {
      for (String p : query.split("&")) {
        int eq = p.indexOf('=');
        q.put(eq < 0 ? p : p.substring(0, eq), eq < 0 ? "" : p.substring(eq + 1));
      }
    }
    for (String k : q.keySet()) {
      if (!k.equals("per_page") && !k.equals("page")) {
        fail(x, "api GET unknown query parameter " + k);
        return;
      }
    }
    int perPage = Math.min(pageSize, Integer.parseInt(q.getOrDefault("per_page", "30")));
    int page = Integer.parseInt(q.getOrDefault("page", "1"));
    List<Map.Entry<String, String>> all;
    synchronized (kind.equals("branches") ? r.branches : r.tags) {
      all = new ArrayList<>((kind.equals("branches") ? r.branches : r.tags).entrySet());
    }
    ArrayNode a = JSON.createArrayNode();
    int from = (page - 1) * perPage;
    for (int i = from; i < Math.min(all.size(), from + perPage); i++) {
      Map.Entry<String, String> e = all.get(i);
      ObjectNode o = a.addObject().put("name", e.getKey());
      o.putObject("commit")
          .put("sha", e.getValue())
          .put("url", apiUrl() + "/repos/" + owner + "/" + name + "/commits/" + e.getValue());
      if (kind.equals("branches")) {
        o.put("protected", false);
      } else {
        o.put("zipball_url", apiUrl() + "/repos/" + owner + "/" + name + "/zipball/" + e.getKey());
        o.put("node_id", "REF_" + e.getKey());
      }
    }
    int last = Math.max(1, (all.size() + perPage - 1) / perPage);
    String base = apiUrl() + "/repos/" + owner + "/" + name + "/" + kind + "?per_page=" + perPage;
    List<String> links = new ArrayList<>();
    if (page < last) {
      links.add("<" + base + "&page=" + (page + 1) + ">; rel=\"next\"");
      links.add("<" + base + "&page=" + last + ">; rel=\"last\"");
    }
    if (page > 1) {
      links.add("<" + base + "&page=1>; rel=\"first\"");
      links.add("<" + base + "&page=" + (page - 1) + ">; rel=\"prev\"");
    }
    if (!links.isEmpty()) {
      x.getResponseHeaders().set("Link", String.join(", ", links));
    }
    send(x, 200, "application/json; charset=utf-8", JSON.writeValueAsBytes(a));
  }

  private static void notFound(HttpExchange x) throws IOException {
    send(
        x,
        404,
        "application/json",
        "{\"message\":\"Not Found\",\"documentation_url\":\"https://docs.github.com/rest\"}"
            .getBytes(StandardCharsets.UTF_8));
  }

  private void fail(HttpExchange x, String line) throws IOException {
    unknown.add(line);
    send(
        x,
        500,
        "text/plain",
        ("FakeGitHub does not serve " + line).getBytes(StandardCharsets.UTF_8));
  }

  private static void send(HttpExchange x, int status, String type, byte[] body)
      throws IOException {
    x.getResponseHeaders().set("Content-Type", type);
    x.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = x.getResponseBody()) {
        out.write(body);
      }
    }
  }

  static byte[] zip(String top, Map<String, byte[]> files) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(bytes)) {
      ZipEntry dir = new ZipEntry(top);
      dir.setTime(0);
      z.putNextEntry(dir);
      z.closeEntry();
      for (Map.Entry<String, byte[]> f : files.entrySet()) {
        ZipEntry e = new ZipEntry(top + f.getKey());
        e.setTime(0); // the same commit zips to the same bytes
        z.putNextEntry(e);
        z.write(f.getValue());
        z.closeEntry();
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return bytes.toByteArray();
  }

  private static String sha1(Map<String, byte[]> files, int salt) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-1");
      d.update(("commit " + salt + "\n").getBytes(StandardCharsets.UTF_8));
      for (Map.Entry<String, byte[]> f : files.entrySet()) {
        d.update(f.getKey().getBytes(StandardCharsets.UTF_8));
        d.update(f.getValue());
      }
      return HexFormat.of().formatHex(d.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    web.close();
    api.close();
  }

  /**
   * A stand-alone server for benchmarks: {@code OWNER/REPO=DIR...} serves each folder's files as
   * one commit on branch main; prints {@code GPUX_GITHUB_URL=...} and {@code
   * GPUX_GITHUB_API_URL=...} lines, then serves until killed.
   */
  public static void main(String[] args) throws Exception {
    FakeGitHub g = start();
    for (String a : args) {
      String[] p = a.split("=", 2);
      String[] repo = p[0].split("/");
      java.nio.file.Path dir = java.nio.file.Path.of(p[1]);
      Map<String, byte[]> files = new LinkedHashMap<>();
      try (var s = java.nio.file.Files.walk(dir)) {
        for (java.nio.file.Path f :
            s.filter(java.nio.file.Files::isRegularFile).sorted().toList()) {
          files.put(
              dir.relativize(f).toString().replace('\\', '/'), java.nio.file.Files.readAllBytes(f));
        }
      }
      g.repo(repo[0], repo[1]).push("main", files);
    }
    System.out.println("GPUX_GITHUB_URL=" + g.webUrl());
    System.out.println("GPUX_GITHUB_API_URL=" + g.apiUrl());
    System.out.flush();
    Thread.currentThread().join();
  }
}
