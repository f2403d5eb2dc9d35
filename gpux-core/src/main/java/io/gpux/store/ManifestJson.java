package io.gpux.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The on-disk JSON form of a {@link VersionManifest}. Field names are part of the store format: a
 * new field is fine, a renamed one needs a new {@link VersionManifest#SCHEMA_VERSION}.
 */
final class ManifestJson {
  private static final ObjectMapper MAPPER = io.gpux.json.Json.mapper();

  private ManifestJson() {}

  static byte[] write(VersionManifest m) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("schema_version", m.schemaVersion());
    o.put("registry", m.registry());
    o.put("name", m.name());
    o.put("version", m.version());
    o.put("requested", m.requested());
    o.put("pulled_at", m.pulledAt().toString());
    o.put("source", m.source());
    var files = o.putArray("files");
    for (ManifestFile f : m.files()) {
      ObjectNode fo =
          files.addObject().put("path", f.path()).put("size", f.size()).put("sha256", f.sha256());
      if (f.registryDigest() != null) {
        fo.put("registry_digest", f.registryDigest());
      }
    }
    ObjectNode lineage = o.putObject("lineage");
    new TreeMap<>(m.lineage()).forEach(lineage::put);
    try {
      return MAPPER.writer(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(o);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Parses and checks a manifest: every path safe, every digest well formed.
   *
   * @throws DamagedManifestException when it is not a manifest this program can trust
   */
  static VersionManifest read(byte[] json) {
    JsonNode o;
    try {
      o = MAPPER.readTree(json);
    } catch (IOException e) {
      throw new DamagedManifestException(
          "not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
    }
    if (o == null || !o.isObject()) {
      throw new DamagedManifestException("not a JSON object");
    }
    int schema = o.path("schema_version").asInt(0);
    if (schema > VersionManifest.SCHEMA_VERSION) {
      throw new DamagedManifestException(
          "written by a newer GPUX (manifest schema " + schema + "); upgrade GPUX to read it");
    }
    try {
      List<ManifestFile> files = new ArrayList<>();
      for (JsonNode f : o.path("files")) {
        long size = f.path("size").asLong(-1);
        if (size < 0) {
          throw new DamagedManifestException("a file has no valid size");
        }
        ManifestFile file =
            new ManifestFile(
                text(f, "path"), size, text(f, "sha256"), f.path("registry_digest").asText(null));
        StorePaths.checkDigest(file.sha256());
        files.add(file);
      }
      StorePaths.checkFilePaths(files);
      Map<String, String> lineage = new LinkedHashMap<>();
      o.path("lineage")
          .fields()
          .forEachRemaining(e -> lineage.put(e.getKey(), e.getValue().asText()));
      return new VersionManifest(
          schema,
          text(o, "registry"),
          text(o, "name"),
          text(o, "version"),
          o.path("requested").asText(null),
          Instant.parse(text(o, "pulled_at")),
          o.path("source").asText(null),
          files,
          lineage);
    } catch (DamagedManifestException e) {
      throw e;
    } catch (RuntimeException e) {
      // A bad path or digest (GpuxException), a bad timestamp: the file cannot be trusted.
      throw new DamagedManifestException(e.getMessage());
    }
  }

  private static String text(JsonNode o, String field) {
    JsonNode v = o.get(field);
    if (v == null || !v.isTextual() || v.asText().isEmpty()) {
      throw new DamagedManifestException("no '" + field + "'");
    }
    return v.asText();
  }

  /** A manifest file that cannot be trusted; the message says why. */
  static final class DamagedManifestException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    DamagedManifestException(String why) {
      super(why);
    }
  }
}
