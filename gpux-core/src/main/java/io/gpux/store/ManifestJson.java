package io.gpux.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gpux.GpuxException;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The on-disk JSON form of a {@link VersionManifest}; field names are part of the store format. */
final class ManifestJson {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

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
    new java.util.TreeMap<>(m.lineage()).forEach(lineage::put);
    try {
      return MAPPER.writeValueAsBytes(o);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static VersionManifest read(byte[] json, String where) {
    try {
      JsonNode o = MAPPER.readTree(json);
      List<ManifestFile> files = new ArrayList<>();
      for (JsonNode f : o.path("files")) {
        files.add(
            new ManifestFile(
                StorePaths.checkFilePath(f.path("path").asText()),
                f.path("size").asLong(),
                StorePaths.checkDigest(f.path("sha256").asText()),
                f.path("registry_digest").asText(null)));
      }
      Map<String, String> lineage = new LinkedHashMap<>();
      o.path("lineage")
          .fields()
          .forEachRemaining(e -> lineage.put(e.getKey(), e.getValue().asText()));
      return new VersionManifest(
          o.path("schema_version").asInt(),
          o.path("registry").asText(),
          o.path("name").asText(),
          o.path("version").asText(),
          o.path("requested").asText(null),
          Instant.parse(o.path("pulled_at").asText()),
          o.path("source").asText(null),
          files,
          lineage);
    } catch (IOException | RuntimeException e) {
      if (e instanceof GpuxException g) {
        throw g;
      }
      throw GpuxException.invalidInput(
          "the manifest " + where + " is damaged: " + e.getMessage(),
          "remove that version (gpux rm) and pull it again");
    }
  }
}
