package io.gpux.testing.zoo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.sun.net.httpserver.HttpExchange;
import io.gpux.testing.LoopbackServer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A static ONNX Model Zoo mirror: {@code GET /ONNX_HUB_MANIFEST.json} and {@code GET /<model_path>}
 * under {@link #url()}, as {@code onnx.hub} fetches them once its {@code _get_base_url} points here
 * ({@code python/onnxhub_fidelity.py}), and as {@code GPUX_ONNX_ZOO_URL} names it. The manifest is
 * written from the models a test adds, with the fields and types of the real one (research notes,
 * registry-protocols-2 §1.1): {@code model}, {@code model_path}, {@code onnx_version}, {@code
 * opset_version}, and {@code metadata} with {@code model_sha}, {@code model_bytes}, {@code tags},
 * {@code io_ports}, {@code model_with_data_path/_sha/_bytes}.
 *
 * <p>Any other path, or a method other than GET and HEAD, answers 404 and is recorded: {@link
 * #unknownRequests()} must be empty at the end of a test, so a client asking for something the real
 * zoo does not serve fails it loudly.
 */
public final class ZooServer implements AutoCloseable {
  public static final String MANIFEST = "ONNX_HUB_MANIFEST.json";

  private final LoopbackServer server;
  private final List<Map<String, Object>> entries = new CopyOnWriteArrayList<>();
  private final Map<String, byte[]> files = new ConcurrentHashMap<>();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final List<String> unknown = new CopyOnWriteArrayList<>();

  private ZooServer() {
    server = LoopbackServer.start(0, "zoo-server", this::handle);
  }

  public static ZooServer start() {
    return new ZooServer();
  }

  /** The base URL: what {@code GPUX_ONNX_ZOO_URL} should be. */
  public String url() {
    return "http://127.0.0.1:" + server.port();
  }

  /**
   * Adds a model at one opset, served at {@code validated/vision/classification/<folder>/model/
   * <folder>-<opset>.onnx}, with {@code tags} ({@code vision}, {@code classification} and the
   * folder come first, as the real manifest derives them from the path).
   *
   * @param withData the {@code model_with_data} archive ({@link ZooArchive}), or null for none
   * @return the model's path
   */
  public String model(String name, int opset, byte[] onnx, byte[] withData, String... tags) {
    String folder = name.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    String dir = "validated/vision/classification/" + folder + "/model/";
    String path = dir + folder + "-" + opset + ".onnx";
    files.put(path, onnx);
    Map<String, Object> meta = new java.util.LinkedHashMap<>();
    meta.put("model_sha", sha256(onnx));
    meta.put("model_bytes", onnx.length);
    List<String> allTags = new ArrayList<>(List.of("vision", "classification", folder));
    allTags.addAll(List.of(tags));
    meta.put("tags", allTags);
    if (withData != null) {
      String archive = dir + folder + "-" + opset + ".tar.gz";
      files.put(archive, withData);
      meta.put("model_with_data_path", archive);
      meta.put("model_with_data_sha", sha256(withData));
      meta.put("model_with_data_bytes", withData.length);
    }
    Map<String, Object> e = new java.util.LinkedHashMap<>();
    e.put("model", name);
    e.put("model_path", path);
    e.put("onnx_version", "1.9");
    e.put("opset_version", opset);
    e.put("metadata", meta);
    entries.add(e);
    return path;
  }

  /** Sets the {@code io_ports} of the last entry added for {@code path}. */
  public ZooServer ioPorts(String path, Map<String, Object> ioPorts) {
    for (Map<String, Object> e : entries) {
      if (e.get("model_path").equals(path)) {
        @SuppressWarnings("unchecked")
        Map<String, Object> meta = (Map<String, Object>) e.get("metadata");
        meta.put("io_ports", ioPorts);
      }
    }
    return this;
  }

  /** Serves {@code bytes} at {@code path} from now on (a tampered or updated file). */
  public ZooServer replace(String path, byte[] bytes) {
    files.put(path, bytes);
    return this;
  }

  /** Serves the Git LFS pointer of the file at {@code path} instead of its bytes. */
  public ZooServer lfsPointer(String path) {
    byte[] real = files.get(path);
    String pointer =
        "version https://git-lfs.github.com/spec/v1\noid sha256:"
            + sha256(real)
            + "\nsize "
            + real.length
            + "\n";
    files.put(path, pointer.getBytes(StandardCharsets.US_ASCII));
    return this;
  }

  /** The manifest as served: a JSON array. */
  public byte[] manifest() {
    ObjectMapper m = new ObjectMapper();
    ArrayNode a = m.createArrayNode();
    for (Map<String, Object> e : entries) {
      a.add(m.valueToTree(e));
    }
    try {
      return m.writerWithDefaultPrettyPrinter().writeValueAsBytes(a);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Every path and file served, manifest included (for publishing the same tree elsewhere). */
  public Map<String, byte[]> tree() {
    Map<String, byte[]> out = new java.util.TreeMap<>(files);
    out.put(MANIFEST, manifest());
    return out;
  }

  /** Requested paths, in order ({@code GET /path}). */
  public List<String> requests() {
    return List.copyOf(requests);
  }

  /** Requests the server does not know; a faithful client makes none. */
  public List<String> unknownRequests() {
    return List.copyOf(unknown);
  }

  private void handle(HttpExchange x) throws IOException {
    try (x) {
      String method = x.getRequestMethod();
      String path = x.getRequestURI().getRawPath();
      String rel = java.net.URLDecoder.decode(path.substring(1), StandardCharsets.UTF_8);
      requests.add(method + " " + path);
      byte[] body = rel.equals(MANIFEST) ? manifest() : files.get(rel);
      if (body == null || !(method.equals("GET") || method.equals("HEAD"))) {
        unknown.add(method + " " + x.getRequestURI());
        x.sendResponseHeaders(404, -1);
        return;
      }
      x.getResponseHeaders()
          .set(
              "Content-Type",
              rel.endsWith(".json") ? "application/json" : "application/octet-stream");
      if (method.equals("HEAD")) {
        x.getResponseHeaders().set("Content-Length", Long.toString(body.length));
        x.sendResponseHeaders(200, -1);
        return;
      }
      x.sendResponseHeaders(200, body.length);
      try (OutputStream out = x.getResponseBody()) {
        out.write(body);
      }
    }
  }

  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
