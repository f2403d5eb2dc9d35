package io.gpux.testing.kaggle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.gpux.testing.LoopbackServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * A local Kaggle Models server speaking what kagglehub (on kagglesdk 0.1.38) uses (research notes,
 * registry-protocols-2 §2): {@code POST /api/v1/models.ModelApiService/<Method>} (and {@code
 * /v1/...}, production's path) for the seven model methods, with camelCase JSON, enums by name and
 * fields at their defaults left out; {@code DownloadModelInstanceVersion} answers 302 to a signed
 * URL on a second, storage server (another port, so another origin) whose responses carry {@code
 * Content-Length}, {@code Accept-Ranges: bytes} and {@code x-goog-hash: crc32c=...,md5=...}, and
 * honour {@code Range}. Without a {@code path}, the version comes as one {@code .tar.gz} archive.
 *
 * <pre>{@code
 * try (FakeKaggle k = FakeKaggle.start().requireToken(TOKEN)) {
 *   k.publish("acme", "adder", "ONNX", "default", Map.of("model.onnx", bytes));
 *   // KAGGLE_API_ENDPOINT=k.url(), then assert on k.unknownRequests()
 * }
 * }</pre>
 *
 * <p>Auth: a Bearer API token ({@link #requireToken}) or a legacy user name and key as Basic
 * ({@link #acceptKey}); wrong credentials get 401, a private model is not found without them, a
 * model whose terms the caller has not accepted gets 403. A request the server does not know is
 * answered 404 and recorded in {@link #unknownRequests()}, so a test fails loudly on it. The web
 * pages {@code /models/...} answer 200, and {@code /tfhub/<handle>} redirects to one, as tfhub.dev
 * does to Kaggle.
 */
public final class FakeKaggle implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final String PREFIX = "MODEL_FRAMEWORK_";
  private static final Pattern RPC =
      Pattern.compile("/(?:api/)?v1/models\\.ModelApiService/([A-Za-z]+)");
  private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d*)");

  private final LoopbackServer api;
  private final LoopbackServer storage;
  private final List<KaggleVariation> variations = new CopyOnWriteArrayList<>();
  private final Map<String, ObjectNode> models = new ConcurrentHashMap<>();
  private final Set<String> privateModels = ConcurrentHashMap.newKeySet();
  private final Set<String> gated = ConcurrentHashMap.newKeySet();
  private final Set<String> corrupt = ConcurrentHashMap.newKeySet();
  private final Map<String, String> tfhub = new ConcurrentHashMap<>();
  private final Map<String, byte[]> archives = new ConcurrentHashMap<>();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final List<String> unknown = new CopyOnWriteArrayList<>();
  private final List<String> credentialedDownloads = new CopyOnWriteArrayList<>();
  private final Set<String> tokens = ConcurrentHashMap.newKeySet();
  private final Map<String, String> keys = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong(1000);
  private final String signature = UUID.randomUUID().toString().replace("-", "");
  private volatile boolean requireAuth;

  private FakeKaggle(int port) {
    storage = LoopbackServer.start(0, "fake-kaggle-storage", this::storage);
    api = LoopbackServer.start(port, "fake-kaggle", this::api);
  }

  /** Starts the API on 127.0.0.1 and a free port (storage always on another free port). */
  public static FakeKaggle start() {
    return start(0);
  }

  /** On {@code port}: 7777 is where kagglesdk's {@code KAGGLE_API_ENVIRONMENT=TEST} looks. */
  public static FakeKaggle start(int port) {
    return new FakeKaggle(port);
  }

  /** The API's base URL, for {@code KAGGLE_API_ENDPOINT} ({@code /api/v1/...} under it). */
  public String url() {
    return "http://127.0.0.1:" + api.port();
  }

  /** Where the signed storage URLs point. */
  public String storageUrl() {
    return "http://127.0.0.1:" + storage.port();
  }

  /** The base URL standing in for {@code https://tfhub.dev}, for {@code GPUX_TFHUB_URL}. */
  public String tfhubUrl() {
    return url() + "/tfhub";
  }

  /** Accepts {@code Authorization: Bearer <token>} (an API token). */
  public FakeKaggle requireToken(String token) {
    tokens.add(token);
    return this;
  }

  /** Accepts {@code Authorization: Basic base64(user:key)} (a legacy API key). */
  public FakeKaggle acceptKey(String user, String key) {
    keys.put(user, key);
    return this;
  }

  /** Refuses every API call without credentials (401), public models too. */
  public FakeKaggle requireAuth() {
    requireAuth = true;
    return this;
  }

  /** A private model: without credentials it is not found. */
  public FakeKaggle privateModel(String owner, String model) {
    privateModels.add(owner + "/" + model);
    return this;
  }

  /** A model whose terms the callers have not accepted: its files are refused with 403. */
  public FakeKaggle termsNotAccepted(String owner, String model) {
    gated.add(owner + "/" + model);
    return this;
  }

  /** Serves the bytes of a file of the latest version damaged, its declared MD5 the right one. */
  public FakeKaggle corrupt(String owner, String model, String variation, String path) {
    corrupt.add(owner + "/" + model + "/" + variation + "/" + path);
    return this;
  }

  /** Makes {@code /tfhub/<handle>} redirect to the variation's page (version 0: unversioned). */
  public FakeKaggle tfhub(
      String handle, String owner, String model, String framework, String variation, int v) {
    KaggleVariation var = find(owner, model, framework, variation);
    String page =
        "/models/"
            + owner
            + "/"
            + model
            + "/"
            + (var == null ? framework : var.handleFramework())
            + "/"
            + variation
            + (v > 0 ? "/" + v : "");
    tfhub.put(handle, page);
    return this;
  }

  /** Replaces a published model's tags (ListModels' {@code tags[].name}), e.g. its task. */
  public synchronized FakeKaggle tags(String owner, String model, String... names) {
    var tags = models.get(owner + "/" + model).putArray("tags");
    for (String n : names) {
      tags.addObject().put("name", n);
    }
    return this;
  }

  /** Sets a variation's license name (GetModelInstance's {@code licenseName}). */
  public FakeKaggle license(
      String owner, String model, String framework, String variation, String license) {
    find(owner, model, framework, variation).license = license;
    return this;
  }

  /**
   * Publishes a new version of a variation (created when new) with these files, in this order;
   * returns its version number.
   *
   * @param framework the enum name without {@code MODEL_FRAMEWORK_}: {@code ONNX}, {@code
   *     TENSOR_FLOW_2}, {@code KERAS}, {@code TF_LITE}, {@code PY_TORCH}...
   */
  public synchronized int publish(
      String owner, String model, String framework, String variation, Map<String, byte[]> files) {
    models.computeIfAbsent(owner + "/" + model, k -> modelJson(owner, model));
    KaggleVariation v = find(owner, model, framework, variation);
    if (v == null) {
      v = new KaggleVariation(ids.incrementAndGet(), owner, model, framework, variation);
      variations.add(v);
    }
    v.versions.add(new LinkedHashMap<>(files));
    return v.latest();
  }

  private KaggleVariation find(String owner, String model, String framework, String slug) {
    for (KaggleVariation v : variations) {
      if (v.owner.equals(owner)
          && v.model.equals(model)
          && v.slug.equals(slug)
          && (v.framework.equals(framework) || v.wireFramework().equals(framework))) {
        return v;
      }
    }
    return null;
  }

  private ObjectNode modelJson(String owner, String model) {
    ObjectNode m = JSON.createObjectNode();
    m.put("id", ids.incrementAndGet());
    m.put("ref", owner + "/" + model);
    m.put("title", model.replace('-', ' '));
    m.put("subtitle", "A test model");
    m.put("author", owner);
    m.put("slug", model);
    m.put("description", "Made by the test that publishes it.");
    m.putArray("tags").addObject().put("name", "testing");
    m.put("publishTime", "2024-01-02T03:04:05.000Z");
    m.put("updateTime", "2024-06-07T08:09:10.000Z");
    m.put("voteCount", 7);
    return m;
  }

  /** Every API request, as {@code Method} (RPC) or {@code GET /path} (pages, storage). */
  public List<String> requests() {
    return List.copyOf(requests);
  }

  /** Requests the server does not know: a test asserts this is empty. */
  public List<String> unknownRequests() {
    return List.copyOf(unknown);
  }

  /** Storage requests that carried an {@code Authorization} header: none should. */
  public List<String> credentialedDownloads() {
    return List.copyOf(credentialedDownloads);
  }

  /** How many file bodies (or archives) the storage server sent. */
  public long downloads() {
    return requests.stream().filter(r -> r.startsWith("GET /gcs/")).count();
  }

  // ---- the API

  private void api(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getPath();
      Matcher m = RPC.matcher(path);
      if (ex.getRequestMethod().equals("POST") && m.matches()) {
        rpc(ex, m.group(1));
        return;
      }
      if ((ex.getRequestMethod().equals("GET") || ex.getRequestMethod().equals("HEAD"))
          && path.startsWith("/tfhub/")) {
        requests.add(ex.getRequestMethod() + " " + path);
        String page = tfhub.get(path.substring("/tfhub/".length()));
        if (page == null) {
          send(ex, 404, "text/html", "<p>not found</p>".getBytes(StandardCharsets.UTF_8));
          return;
        }
        ex.getResponseHeaders().set("Location", url() + page);
        send(ex, 301, "text/html", new byte[0]);
        return;
      }
      if ((ex.getRequestMethod().equals("GET") || ex.getRequestMethod().equals("HEAD"))
          && path.startsWith("/models/")) {
        requests.add(ex.getRequestMethod() + " " + path);
        send(ex, 200, "text/html", "<html>Kaggle Models</html>".getBytes(StandardCharsets.UTF_8));
        return;
      }
      unknown.add(ex.getRequestMethod() + " " + ex.getRequestURI());
      error(ex, 404, "unknown route " + path);
    }
  }

  /** Who is calling: null for nobody, "" for refused credentials, else the user. */
  private String caller(HttpExchange ex) {
    String auth = ex.getRequestHeaders().getFirst("Authorization");
    if (auth == null) {
      return null;
    }
    if (auth.startsWith("Bearer ") && tokens.contains(auth.substring(7).trim())) {
      return "token";
    }
    if (auth.startsWith("Basic ")) {
      try {
        String pair =
            new String(
                Base64.getDecoder().decode(auth.substring(6).trim()), StandardCharsets.UTF_8);
        int colon = pair.indexOf(':');
        if (colon > 0 && pair.substring(colon + 1).equals(keys.get(pair.substring(0, colon)))) {
          return pair.substring(0, colon);
        }
      } catch (IllegalArgumentException e) {
        return "";
      }
    }
    return "";
  }

  private void rpc(HttpExchange ex, String method) throws IOException {
    requests.add(method);
    JsonNode body;
    try {
      body = JSON.readTree(ex.getRequestBody().readAllBytes());
    } catch (IOException e) {
      body = null;
    }
    if (body == null || !body.isObject()) {
      unknown.add(method + " without a JSON object body");
      error(ex, 400, "the body is not a JSON object");
      return;
    }
    String caller = caller(ex);
    if ("".equals(caller)) {
      error(ex, 401, "Unauthenticated: the credentials are not valid");
      return;
    }
    if (caller == null && requireAuth) {
      error(ex, 401, "Unauthenticated");
      return;
    }
    switch (method) {
      case "GetModelInstance" -> {
        KaggleVariation v = variation(ex, body, caller);
        if (v != null) {
          reply(ex, instance(v, true));
        }
      }
      case "GetModel" -> {
        ObjectNode m = model(ex, body, caller);
        if (m != null) {
          reply(ex, fullModel(m));
        }
      }
      case "ListModelInstances" -> {
        ObjectNode m = model(ex, body, caller);
        if (m != null) {
          List<JsonNode> all = new ArrayList<>();
          for (KaggleVariation v : variationsOf(m.path("ref").asText())) {
            all.add(instance(v, false));
          }
          page(ex, body, all, "instances", 20, null);
        }
      }
      case "ListModelInstanceVersions" -> {
        KaggleVariation v = variation(ex, body, caller);
        if (v != null) {
          List<JsonNode> all = new ArrayList<>();
          for (int n = v.latest(); n >= 1; n--) {
            ObjectNode o = JSON.createObjectNode();
            o.put("id", v.id * 100 + n);
            o.put("framework", v.wireFramework());
            o.put("url", webPath(v) + "/" + n);
            o.put("variationSlug", v.slug);
            o.put("versionNumber", n);
            o.put("modelTitle", v.model.replace('-', ' '));
            o.put("ownerSlug", v.owner);
            o.put("modelSlug", v.model);
            all.add(o);
          }
          page(ex, body, all, "versions", 20, "versionList");
        }
      }
      case "ListModelInstanceVersionFiles" -> {
        KaggleVariation v = variation(ex, body, caller);
        Map<String, byte[]> files = v == null ? null : version(ex, v, body);
        if (files != null && allowed(ex, v)) {
          List<JsonNode> all = new ArrayList<>();
          files.forEach(
              (name, bytes) -> {
                ObjectNode o = JSON.createObjectNode();
                o.put("name", name);
                o.put("size", bytes.length);
                o.put("creationDate", "2024-01-02T03:04:05.000Z");
                all.add(o);
              });
          page(ex, body, all, "files", 20, null);
        }
      }
      case "DownloadModelInstanceVersion" -> {
        KaggleVariation v = variation(ex, body, caller);
        Map<String, byte[]> files = v == null ? null : version(ex, v, body);
        if (files != null && allowed(ex, v)) {
          String file = body.path("path").asText("");
          int n = body.path("versionNumber").asInt();
          if (!file.isEmpty() && !files.containsKey(file)) {
            error(ex, 404, "no file " + file + " in version " + n);
            return;
          }
          String object =
              "/gcs/kagglesdsdata/models/"
                  + v.id
                  + "/"
                  + n
                  + "/"
                  + (file.isEmpty() ? n + ".tar.gz" : encodePath(file));
          ex.getResponseHeaders()
              .set("Location", storageUrl() + object + "?X-Goog-Signature=" + signature);
          send(ex, 302, "text/html", new byte[0]);
        }
      }
      case "ListModels" -> {
        String text = body.path("search").asText("").toLowerCase(Locale.ROOT);
        String owner = body.path("owner").asText("");
        List<JsonNode> all = new ArrayList<>();
        for (ObjectNode m : models.values()) {
          String ref = m.path("ref").asText();
          if (privateModels.contains(ref) && caller == null) {
            continue;
          }
          boolean matches =
              text.isEmpty()
                  || ref.toLowerCase(Locale.ROOT).contains(text)
                  || m.path("title").asText().toLowerCase(Locale.ROOT).contains(text);
          if (matches && (owner.isEmpty() || ref.startsWith(owner + "/"))) {
            all.add(fullModel(m));
          }
        }
        all.sort(java.util.Comparator.comparing(n -> n.path("ref").asText()));
        ObjectNode extra = JSON.createObjectNode();
        page(ex, body, all, "models", 20, null, extra.put("totalResults", all.size()));
      }
      default -> {
        unknown.add("POST " + ex.getRequestURI());
        error(ex, 404, "unknown method " + method);
      }
    }
  }

  private boolean allowed(HttpExchange ex, KaggleVariation v) throws IOException {
    if (gated.contains(v.owner + "/" + v.model)) {
      error(ex, 403, "You must accept the terms of " + v.owner + "/" + v.model + " to download it");
      return false;
    }
    return true;
  }

  private ObjectNode model(HttpExchange ex, JsonNode body, String caller) throws IOException {
    String ref = body.path("ownerSlug").asText() + "/" + body.path("modelSlug").asText();
    ObjectNode m = models.get(ref);
    if (m == null || (privateModels.contains(ref) && caller == null)) {
      error(ex, 404, "Model not found");
      return null;
    }
    return m;
  }

  private KaggleVariation variation(HttpExchange ex, JsonNode body, String caller)
      throws IOException {
    if (model(ex, body, caller) == null) {
      return null;
    }
    String framework = body.path("framework").asText("");
    if (!framework.startsWith(PREFIX)) {
      unknown.add("a framework that is not an enum name: " + framework);
      error(ex, 400, "invalid framework " + framework);
      return null;
    }
    KaggleVariation v =
        find(
            body.path("ownerSlug").asText(),
            body.path("modelSlug").asText(),
            framework.substring(PREFIX.length()),
            body.path("instanceSlug").asText());
    if (v == null) {
      error(ex, 404, "Model instance not found");
    }
    return v;
  }

  private Map<String, byte[]> version(HttpExchange ex, KaggleVariation v, JsonNode body)
      throws IOException {
    int n = body.path("versionNumber").asInt(0);
    if (n < 1 || n > v.latest()) {
      error(ex, 404, "Model instance version " + n + " not found");
      return null;
    }
    return v.versions.get(n - 1);
  }

  private List<KaggleVariation> variationsOf(String ref) {
    List<KaggleVariation> out = new ArrayList<>();
    for (KaggleVariation v : variations) {
      if ((v.owner + "/" + v.model).equals(ref)) {
        out.add(v);
      }
    }
    return out;
  }

  private String webPath(KaggleVariation v) {
    return url() + "/models/" + v.owner + "/" + v.model + "/" + v.handleFramework() + "/" + v.slug;
  }

  private ObjectNode instance(KaggleVariation v, boolean api) {
    ObjectNode o = JSON.createObjectNode();
    o.put("id", v.id);
    if (!api) {
      o.put("ownerSlug", v.owner);
      o.put("modelSlug", v.model);
    }
    o.put("slug", v.slug);
    o.put("framework", v.wireFramework());
    o.put("overview", "The " + v.slug + " variation.");
    o.put("usage", "kagglehub.model_download(...)");
    o.put("versionId", v.id * 100 + v.latest());
    o.put("versionNumber", v.latest());
    o.put("url", webPath(v));
    o.put("licenseName", v.license);
    o.put("modelInstanceType", "MODEL_INSTANCE_TYPE_BASE_MODEL");
    o.put("totalUncompressedBytes", v.totalBytes(v.latest()));
    return o;
  }

  private ObjectNode fullModel(ObjectNode m) {
    ObjectNode o = m.deepCopy();
    String ref = m.path("ref").asText();
    o.put("isPrivate", privateModels.contains(ref));
    o.put("url", url() + "/models/" + ref);
    ArrayNode instances = o.putArray("instances");
    variationsOf(ref).forEach(v -> instances.add(instance(v, true)));
    return o;
  }

  /** One page of {@code all} as {@code field} (inside {@code wrapper} when given). */
  private static void page(
      HttpExchange ex,
      JsonNode body,
      List<JsonNode> all,
      String field,
      int defaultSize,
      String wrapper,
      ObjectNode... extra)
      throws IOException {
    int size = body.path("pageSize").asInt(0);
    size = size <= 0 ? defaultSize : size;
    int from = 0;
    String token = body.path("pageToken").asText("");
    if (!token.isEmpty()) {
      try {
        from = Integer.parseInt(token.substring(1));
      } catch (RuntimeException e) {
        error(ex, 400, "invalid page token");
        return;
      }
    }
    ObjectNode out = JSON.createObjectNode();
    ArrayNode items = (wrapper == null ? out : out.putObject(wrapper)).putArray(field);
    for (int i = from; i < Math.min(all.size(), from + size); i++) {
      items.add(all.get(i));
    }
    if (from + size < all.size()) {
      out.put("nextPageToken", "p" + (from + size));
    }
    for (ObjectNode e : extra) {
      out.setAll(e);
    }
    reply(ex, out);
  }

  // ---- storage

  private void storage(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getPath();
      requests.add(ex.getRequestMethod() + " " + path);
      if (ex.getRequestHeaders().getFirst("Authorization") != null) {
        credentialedDownloads.add(path);
      }
      if (!ex.getRequestMethod().equals("GET") || !path.startsWith("/gcs/kagglesdsdata/models/")) {
        unknown.add(ex.getRequestMethod() + " " + ex.getRequestURI() + " (storage)");
        storageError(ex, 404, "NoSuchKey");
        return;
      }
      String query = ex.getRequestURI().getRawQuery();
      if (query == null || !query.equals("X-Goog-Signature=" + signature)) {
        storageError(ex, 403, "SignatureDoesNotMatch");
        return;
      }
      String[] p = path.substring("/gcs/kagglesdsdata/models/".length()).split("/", 3);
      KaggleVariation v = null;
      for (KaggleVariation c : variations) {
        if (Long.toString(c.id).equals(p[0])) {
          v = c;
        }
      }
      int n = p.length == 3 ? Integer.parseInt(p[1]) : 0;
      if (v == null || n < 1 || n > v.latest()) {
        storageError(ex, 404, "NoSuchKey");
        return;
      }
      String file = URLDecoder.decode(p[2], StandardCharsets.UTF_8);
      byte[] body;
      byte[] declared;
      if (file.equals(n + ".tar.gz")) {
        KaggleVariation var = v;
        body = archives.computeIfAbsent(v.id + "/" + n, k -> archive(var.versions.get(n - 1)));
        declared = body;
      } else {
        body = v.versions.get(n - 1).get(file);
        if (body == null) {
          storageError(ex, 404, "NoSuchKey");
          return;
        }
        declared = body;
        if (corrupt.contains(v.owner + "/" + v.model + "/" + v.slug + "/" + file)
            && body.length > 0) {
          body = body.clone();
          body[body.length / 2] ^= 0x5a;
        }
      }
      ex.getResponseHeaders().set("Accept-Ranges", "bytes");
      ex.getResponseHeaders()
          .set("x-goog-hash", "crc32c=" + crc32c(declared) + ",md5=" + md5(declared));
      String range = ex.getRequestHeaders().getFirst("Range");
      Matcher r = range == null ? null : RANGE.matcher(range);
      if (r != null && r.matches()) {
        long from = Long.parseLong(r.group(1));
        long to =
            r.group(2).isEmpty()
                ? body.length - 1
                : Math.min(Long.parseLong(r.group(2)), body.length - 1);
        if (from >= body.length) {
          ex.getResponseHeaders().set("Content-Range", "bytes */" + body.length);
          send(ex, 416, "application/xml", new byte[0]);
          return;
        }
        ex.getResponseHeaders()
            .set("Content-Range", "bytes " + from + "-" + to + "/" + body.length);
        send(
            ex,
            206,
            "application/octet-stream",
            java.util.Arrays.copyOfRange(body, (int) from, (int) to + 1));
        return;
      }
      send(ex, 200, "application/octet-stream", body);
    }
  }

  /** An error as GCS's XML API writes it. */
  private static void storageError(HttpExchange ex, int status, String code) throws IOException {
    send(
        ex,
        status,
        "application/xml",
        ("<Error><Code>" + code + "</Code></Error>").getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] archive(Map<String, byte[]> files) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(bytes))) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (Map.Entry<String, byte[]> f : files.entrySet()) {
        TarArchiveEntry e = new TarArchiveEntry(f.getKey());
        e.setSize(f.getValue().length);
        tar.putArchiveEntry(e);
        tar.write(f.getValue());
        tar.closeArchiveEntry();
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static String md5(byte[] b) {
    try {
      return Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(b));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String crc32c(byte[] b) {
    CRC32C c = new CRC32C();
    c.update(b);
    long v = c.getValue();
    byte[] be = {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    return Base64.getEncoder().encodeToString(be);
  }

  private static String encodePath(String file) {
    StringBuilder sb = new StringBuilder();
    for (String s : file.split("/", -1)) {
      sb.append(sb.length() == 0 ? "" : "/")
          .append(URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20"));
    }
    return sb.toString();
  }

  // ---- replies

  private static void reply(HttpExchange ex, JsonNode json) throws IOException {
    send(ex, 200, "application/json", JSON.writeValueAsBytes(json));
  }

  private static void error(HttpExchange ex, int status, String message) throws IOException {
    ObjectNode o = JSON.createObjectNode();
    o.put("code", status);
    o.put("message", message);
    send(ex, status, "application/json", JSON.writeValueAsBytes(o));
  }

  private static void send(HttpExchange ex, int status, String type, byte[] body)
      throws IOException {
    ex.getResponseHeaders().set("Content-Type", type);
    boolean head = ex.getRequestMethod().equals("HEAD");
    if (head) {
      ex.getResponseHeaders().set("Content-Length", Integer.toString(body.length));
    }
    ex.sendResponseHeaders(status, head || body.length == 0 ? -1 : body.length);
    if (!head && body.length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
  }

  @Override
  public void close() {
    api.close();
    storage.close();
  }

  /**
   * {@code [--port N] [--token T] OWNER/MODEL/FRAMEWORK/VARIATION=DIR...}: publishes each folder's
   * files as version 1 of a variation, prints the base URL and serves until killed.
   */
  public static void main(String[] args) throws Exception {
    int port = 0;
    String token = null;
    List<String[]> publish = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--port" -> port = Integer.parseInt(args[++i]);
        case "--token" -> token = args[++i];
        default -> publish.add(args[i].split("=", 2));
      }
    }
    FakeKaggle k = start(port);
    if (token != null) {
      k.requireToken(token);
    }
    for (String[] p : publish) {
      String[] h = p[0].split("/");
      Path dir = Path.of(p[1]);
      Map<String, byte[]> files = new LinkedHashMap<>();
      try (var s = Files.walk(dir)) {
        for (Path f : s.filter(Files::isRegularFile).sorted().toList()) {
          files.put(dir.relativize(f).toString().replace('\\', '/'), Files.readAllBytes(f));
        }
      }
      k.publish(h[0], h[1], h[2], h[3], files);
    }
    System.out.println("Kaggle test server at " + k.url());
    System.out.flush();
    Thread.currentThread().join();
  }
}
