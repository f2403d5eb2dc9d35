package io.gpux.modelpack;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gpux.digest.Sha256;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds a ModelPack manifest and config. Nothing in them depends on the time or on the order files
 * were given in (layers are sorted by path, annotations by key), so the same files and annotations
 * always give the same digest.
 */
public final class ModelPack {
  private ModelPack() {}

  public static final String MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  public static final String INDEX = "application/vnd.oci.image.index.v1+json";
  public static final String ARTIFACT = "application/vnd.cncf.model.manifest.v1+json";
  public static final String CONFIG = "application/vnd.cncf.model.config.v1+json";
  public static final String LAYER = "application/vnd.cncf.model.";
  public static final String FILEPATH = "org.cncf.model.filepath";
  public static final String TITLE = "org.opencontainers.image.title";

  /** A file of the model: its path in the model, size and sha256 (hex). */
  public record File(String path, long size, String sha256) {
    public String digest() {
      return "sha256:" + sha256;
    }
  }

  /** A built artifact: the config and manifest bytes with their digests. */
  public record Artifact(
      byte[] config, String configDigest, byte[] manifest, String digest, List<File> files) {}

  private static final ObjectMapper JSON = io.gpux.json.Json.mapper();

  /**
   * @param name the model's name for the config's descriptor
   * @param version its version for the descriptor, or null
   * @param annotations the manifest's annotations
   */
  public static Artifact build(
      String name, String version, List<File> files, Map<String, String> annotations) {
    List<File> sorted = files.stream().sorted(java.util.Comparator.comparing(File::path)).toList();
    ObjectNode config = JSON.createObjectNode();
    ObjectNode descriptor = config.putObject("descriptor").put("name", name);
    if (version != null) {
      descriptor.put("version", version);
    }
    config.putObject("config").put("format", "onnx");
    ArrayNode diffIds = config.putObject("modelfs").put("type", "layers").putArray("diffIds");
    sorted.forEach(f -> diffIds.add(f.digest()));
    byte[] configBytes = bytes(config);
    String configDigest = "sha256:" + Sha256.hex(configBytes);

    ObjectNode m = JSON.createObjectNode();
    m.put("schemaVersion", 2);
    m.put("mediaType", MANIFEST);
    m.put("artifactType", ARTIFACT);
    m.putObject("config")
        .put("mediaType", CONFIG)
        .put("digest", configDigest)
        .put("size", configBytes.length);
    ArrayNode layers = m.putArray("layers");
    for (File f : sorted) {
      layers
          .addObject()
          .put("mediaType", layerMediaType(f.path()))
          .put("digest", f.digest())
          .put("size", f.size())
          .putObject("annotations")
          .put(FILEPATH, f.path())
          .put(TITLE, f.path());
    }
    if (!annotations.isEmpty()) {
      ObjectNode a = m.putObject("annotations");
      new TreeMap<>(annotations).forEach(a::put);
    }
    byte[] manifest = bytes(m);
    return new Artifact(
        configBytes, configDigest, manifest, "sha256:" + Sha256.hex(manifest), sorted);
  }

  /** What a file is to ModelPack: weights, their config, docs or code; always raw. */
  public static String layerMediaType(String path) {
    String p = path.toLowerCase(Locale.ROOT);
    String name = p.substring(p.lastIndexOf('/') + 1);
    String kind;
    if (name.endsWith(".md")
        || name.endsWith(".txt")
        || name.startsWith("license")
        || name.startsWith("readme")) {
      kind = "doc";
    } else if (name.endsWith(".py") || name.endsWith(".sh") || name.endsWith(".js")) {
      kind = "code";
    } else if (name.endsWith(".json")
        || name.endsWith(".yml")
        || name.endsWith(".yaml")
        || name.equals("mlmodel")) {
      kind = "weight.config";
    } else {
      kind = "weight";
    }
    return LAYER + kind + ".v1.raw";
  }

  private static byte[] bytes(ObjectNode node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
