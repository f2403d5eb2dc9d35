package io.gpux.testing.oci;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Writes artifacts into a registry the way other tools do, straight from the specs and not through
 * GPUX: blobs by POST + PUT, then the manifest. Used to put ModelPack artifacts, ORAS artifacts,
 * modelcar images and hostile ones in front of GPUX's pull.
 */
public final class OciArtifacts {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /** One layer: its media type, bytes and annotations. */
  public record Layer(String mediaType, byte[] bytes, Map<String, String> annotations) {}

  /**
   * A tar entry: a file ({@code content}), a folder ({@code type} 'd'), or a link ('l' symbolic,
   * 'h' hard).
   */
  public record Entry(String name, byte[] content, char type, String link) {
    public static Entry file(String name, byte[] content) {
      return new Entry(name, content, 'f', null);
    }

    public static Entry folder(String name) {
      return new Entry(name, new byte[0], 'd', null);
    }

    public static Entry symlink(String name, String target) {
      return new Entry(name, new byte[0], 'l', target);
    }

    public static Entry hardlink(String name, String target) {
      return new Entry(name, new byte[0], 'h', target);
    }
  }

  private final String base;
  private final String authorization;

  /**
   * @param host {@code 127.0.0.1:PORT}
   * @param authorization the Authorization header for every request, or null
   */
  public OciArtifacts(String host, String authorization) {
    this.base = "http://" + host;
    this.authorization = authorization;
  }

  public static String digest(byte[] bytes) {
    try {
      return "sha256:"
          + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A tar of {@code entries} in order, as image builders write them. */
  public static byte[] tar(List<Entry> entries) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (Entry e : entries) {
        TarArchiveEntry t;
        switch (e.type()) {
          case 'd' -> t = new TarArchiveEntry(e.name().endsWith("/") ? e.name() : e.name() + "/");
          case 'l' -> {
            t = new TarArchiveEntry(e.name(), TarArchiveEntry.LF_SYMLINK);
            t.setLinkName(e.link());
          }
          case 'h' -> {
            t = new TarArchiveEntry(e.name(), TarArchiveEntry.LF_LINK);
            t.setLinkName(e.link());
          }
          default -> {
            t = new TarArchiveEntry(e.name());
            t.setSize(e.content().length);
          }
        }
        t.setModTime(0);
        tar.putArchiveEntry(t);
        if (e.type() == 'f') {
          tar.write(e.content());
        }
        tar.closeArchiveEntry();
      }
    }
    return out.toByteArray();
  }

  public static byte[] gzip(byte[] bytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(bytes);
    }
    return out.toByteArray();
  }

  /** Uploads a blob (POST, then PUT with its digest); returns the digest. */
  public String blob(String repo, byte[] bytes) throws Exception {
    String digest = digest(bytes);
    HttpResponse<String> start =
        send(
            HttpRequest.newBuilder(URI.create(base + "/v2/" + repo + "/blobs/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody()));
    if (start.statusCode() != 202) {
      throw new IllegalStateException(
          "upload start: HTTP " + start.statusCode() + " " + start.body());
    }
    String location = start.headers().firstValue("location").orElseThrow();
    URI put =
        URI.create(base)
            .resolve(location + (location.contains("?") ? "&" : "?") + "digest=" + digest);
    HttpResponse<String> done =
        send(
            HttpRequest.newBuilder(put)
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)));
    if (done.statusCode() != 201) {
      throw new IllegalStateException("upload: HTTP " + done.statusCode() + " " + done.body());
    }
    return digest;
  }

  /** Puts a manifest under {@code reference}; returns its digest. */
  public String manifest(String repo, String reference, String mediaType, byte[] manifest)
      throws Exception {
    HttpResponse<String> r =
        send(
            HttpRequest.newBuilder(URI.create(base + "/v2/" + repo + "/manifests/" + reference))
                .header("Content-Type", mediaType)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(manifest)));
    if (r.statusCode() != 201) {
      throw new IllegalStateException("manifest: HTTP " + r.statusCode() + " " + r.body());
    }
    return digest(manifest);
  }

  /**
   * Pushes an image manifest with {@code layers} and a config; {@code artifactType} may be null.
   * Returns the manifest's digest.
   */
  public String image(
      String repo,
      String tag,
      String artifactType,
      String configType,
      byte[] config,
      List<Layer> layers,
      Map<String, String> annotations)
      throws Exception {
    ObjectNode m = JSON.createObjectNode();
    m.put("schemaVersion", 2);
    m.put("mediaType", "application/vnd.oci.image.manifest.v1+json");
    if (artifactType != null) {
      m.put("artifactType", artifactType);
    }
    m.putObject("config")
        .put("mediaType", configType)
        .put("digest", blob(repo, config))
        .put("size", config.length);
    ArrayNode ls = m.putArray("layers");
    for (Layer l : layers) {
      ObjectNode d =
          ls.addObject()
              .put("mediaType", l.mediaType())
              .put("digest", blob(repo, l.bytes()))
              .put("size", l.bytes().length);
      if (!l.annotations().isEmpty()) {
        ObjectNode a = d.putObject("annotations");
        l.annotations().forEach(a::put);
      }
    }
    if (annotations != null && !annotations.isEmpty()) {
      ObjectNode a = m.putObject("annotations");
      annotations.forEach(a::put);
    }
    return manifest(
        repo, tag, "application/vnd.oci.image.manifest.v1+json", JSON.writeValueAsBytes(m));
  }

  /**
   * A ModelPack (model-spec v0.0.7) artifact: each file a raw weight layer named by {@code
   * org.cncf.model.filepath}, the config saying {@code format}.
   */
  public String modelPack(String repo, String tag, Map<String, byte[]> files, String format)
      throws Exception {
    ObjectNode config = JSON.createObjectNode();
    config
        .putObject("descriptor")
        .put("name", repo)
        .put("version", tag)
        .put("createdAt", "2025-01-01T00:00:00Z");
    config.putObject("config").put("format", format);
    ObjectNode fs = config.putObject("modelfs").put("type", "layers");
    ArrayNode diffIds = fs.putArray("diffIds");
    List<Layer> layers = new java.util.ArrayList<>();
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      diffIds.add(digest(f.getValue()));
      layers.add(
          new Layer(
              "application/vnd.cncf.model.weight.v1.raw",
              f.getValue(),
              Map.of("org.cncf.model.filepath", f.getKey())));
    }
    return image(
        repo,
        tag,
        "application/vnd.cncf.model.manifest.v1+json",
        "application/vnd.cncf.model.config.v1+json",
        JSON.writeValueAsBytes(config),
        layers,
        Map.of());
  }

  private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
