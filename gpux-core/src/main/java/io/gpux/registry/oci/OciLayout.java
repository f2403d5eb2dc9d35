package io.gpux.registry.oci;

import com.fasterxml.jackson.databind.JsonNode;
import io.gpux.error.GpuxException;
import io.gpux.registry.RemoteFile;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads an image manifest's layers as a model's files, whichever layout wrote it:
 *
 * <ul>
 *   <li>CNCF ModelPack: {@code application/vnd.cncf.model.<kind>.v1.<raw|tar|tar+gzip|tar+zstd>}, a
 *       raw layer is the file named by {@code org.cncf.model.filepath}, a tar layer is unpacked
 *       (its entries carry their paths); the config's {@code format} must be ONNX, or the model
 *       have an ONNX file;
 *   <li>ORAS: a layer with {@code org.opencontainers.image.title} is that file, or with {@code
 *       io.deis.oras.content.unpack} a folder packed as tar+gzip;
 *   <li>a container image (a KServe modelcar): its tar layers stacked, the files under {@code
 *       /models} taken;
 *   <li>Docker Model Runner and Ollama artifacts: refused, they hold GGUF.
 * </ul>
 */
final class OciLayout {
  private OciLayout() {}

  /** What a manifest holds: its files (an archive's entries come when it is unpacked). */
  record Read(List<RemoteFile> files, Map<String, String> lineage) {}

  /**
   * @param reference the model as messages name it
   * @param config reads the config blob (small, verified) when the layout needs it
   * @param blob the download of one layer, by digest
   */
  static Read read(
      String reference,
      JsonNode manifest,
      Function<JsonNode, byte[]> config,
      Function<String, io.gpux.transfer.HttpCall> blob) {
    String configType = manifest.path("config").path("mediaType").asText("");
    String artifactType = manifest.path("artifactType").asText("");
    Map<String, String> lineage = new LinkedHashMap<>();
    if (!artifactType.isEmpty()) {
      lineage.put("oci.artifactType", artifactType);
    }
    lineage.put("oci.config.mediaType", configType);
    manifest
        .path("annotations")
        .fields()
        .forEachRemaining(
            a -> {
              if (a.getValue().isTextual()) {
                lineage.put("oci.annotation." + a.getKey(), a.getValue().asText());
              }
            });
    List<RemoteFile> files = new ArrayList<>();
    String gguf = null;
    boolean modelcar = false;
    for (JsonNode layer : manifest.path("layers")) {
      String type = layer.path("mediaType").asText("");
      String digest = layer.path("digest").asText("");
      long size = layer.path("size").asLong(-1);
      if (!OciReferences.DIGEST.matcher(digest).matches()) {
        throw GpuxException.unavailable(
            reference + " has a layer whose digest is not sha256 (" + digest + ")",
            "GPUX verifies every layer by its sha256; re-push it with sha256 digests");
      }
      JsonNode notes = layer.path("annotations");
      String title = notes.path(OciMediaTypes.TITLE).asText(null);
      String filepath = notes.path(OciMediaTypes.MODELPACK_FILEPATH).asText(null);
      if (type.startsWith(OciMediaTypes.DOCKER_AI_GGUF)
          || type.equals(OciMediaTypes.OLLAMA_MODEL)) {
        gguf =
            type.equals(OciMediaTypes.OLLAMA_MODEL)
                ? "an Ollama model"
                : "a Docker Model Runner model";
        continue;
      }
      String hex = digest.substring("sha256:".length());
      var call = blob.apply(digest);
      if (type.startsWith(OciMediaTypes.MODELPACK_LAYER)) {
        RemoteFile.Format format = modelPackFormat(type, reference);
        if (format == null) {
          files.add(
              new RemoteFile(
                  path(filepath != null ? filepath : title, type, digest, reference),
                  size,
                  hex,
                  null,
                  call));
        } else {
          files.add(archive(hex, size, call, format, "", false));
        }
      } else if (title != null) {
        if ("true".equalsIgnoreCase(notes.path(OciMediaTypes.ORAS_UNPACK).asText(""))) {
          files.add(archive(hex, size, call, RemoteFile.Format.TAR_GZIP, "", false));
        } else {
          files.add(new RemoteFile(path(title, type, digest, reference), size, hex, null, call));
        }
      } else if (filepath != null) {
        files.add(new RemoteFile(path(filepath, type, digest, reference), size, hex, null, call));
      } else if (imageLayer(type) != null) {
        modelcar = true;
        files.add(archive(hex, size, call, imageLayer(type), "models/", true));
      }
      // Other layers without a name (Ollama's params, a license blob) are not files of the model.
    }
    if (gguf != null || configType.startsWith(OciMediaTypes.DOCKER_AI_CONFIG)) {
      throw notOnnx(
          reference,
          "GGUF weights (" + (gguf != null ? gguf : "a Docker Model Runner model") + ")");
    }
    if (configType.equals(OciMediaTypes.MODELPACK_CONFIG)) {
      lineage.put("oci.config", manifest.path("config").path("digest").asText(""));
      boolean onnxFile =
          files.stream()
              .anyMatch(
                  f -> f.unpack() == null && f.path().toLowerCase(Locale.ROOT).endsWith(".onnx"));
      // The config is read only when the layers do not show an ONNX file: a re-pull of a version
      // the store has then costs one request, the manifest's.
      if (!onnxFile) {
        modelPack(reference, config.apply(manifest.path("config")), files, lineage);
      }
    }
    if (modelcar) {
      lineage.put("oci.layout", "modelcar");
    } else if (configType.equals(OciMediaTypes.MODELPACK_CONFIG)
        || artifactType.equals(OciMediaTypes.MODELPACK_ARTIFACT)) {
      lineage.put("oci.layout", "modelpack");
    } else {
      lineage.put("oci.layout", "oras");
    }
    if (files.isEmpty()) {
      throw GpuxException.notFound(
          reference + " holds no files GPUX can read (no ModelPack, ORAS or /models image layers)",
          "push the model with gpux push, or as a ModelPack artifact");
    }
    return new Read(files, lineage);
  }

  private static void modelPack(
      String reference, byte[] configBytes, List<RemoteFile> files, Map<String, String> lineage) {
    JsonNode c;
    try {
      c = io.gpux.json.Json.mapper().readTree(configBytes);
    } catch (java.io.IOException e) {
      throw GpuxException.unavailable(
          "the ModelPack config of " + reference + " is not JSON",
          "report it to the artifact's owner");
    }
    String format = c.path("config").path("format").asText("");
    JsonNode d = c.path("descriptor");
    for (String k :
        List.of(
            "name",
            "version",
            "family",
            "vendor",
            "revision",
            "createdAt",
            "sourceURL",
            "docURL",
            "title",
            "description")) {
      if (d.path(k).isTextual() && !d.path(k).asText().isEmpty()) {
        lineage.put("modelpack." + k, d.path(k).asText());
      }
    }
    if (d.path("licenses").isArray() && !d.path("licenses").isEmpty()) {
      List<String> l = new ArrayList<>();
      d.path("licenses").forEach(x -> l.add(x.asText()));
      lineage.put("modelpack.licenses", String.join(",", l));
    }
    if (!format.isEmpty()) {
      lineage.put("modelpack.format", format);
    }
    boolean onnxFile =
        files.stream()
            .anyMatch(
                f -> f.unpack() == null && f.path().toLowerCase(Locale.ROOT).endsWith(".onnx"));
    boolean archives = files.stream().anyMatch(f -> f.unpack() != null);
    if (!format.isEmpty() && !format.equalsIgnoreCase("onnx") && !onnxFile && !archives) {
      throw notOnnx(reference, format + " weights (the format its ModelPack config names)");
    }
  }

  static GpuxException notOnnx(String reference, String holds) {
    return GpuxException.invalidInput(
        reference + " is not an ONNX model: it holds " + holds,
        "GPUX runs ONNX models; pull an ONNX artifact (gpux push writes them), or convert the model to ONNX first");
  }

  /** The format of a ModelPack layer type: null for raw, else the archive's. */
  private static RemoteFile.Format modelPackFormat(String type, String reference) {
    if (type.endsWith(".raw")) {
      return null;
    }
    if (type.endsWith(".tar")) {
      return RemoteFile.Format.TAR;
    }
    if (type.endsWith(".tar+gzip")) {
      return RemoteFile.Format.TAR_GZIP;
    }
    if (type.endsWith(".tar+zstd")) {
      return RemoteFile.Format.TAR_ZSTD;
    }
    throw GpuxException.unavailable(
        reference + " has a ModelPack layer of an unknown format (" + type + ")",
        "GPUX reads raw, tar, tar+gzip and tar+zstd layers (model-spec v0.0.7)");
  }

  /** An image layer's archive format, or null when the type is none. */
  private static RemoteFile.Format imageLayer(String type) {
    return switch (type) {
      case "application/vnd.oci.image.layer.v1.tar" -> RemoteFile.Format.TAR;
      case "application/vnd.oci.image.layer.v1.tar+gzip",
          "application/vnd.docker.image.rootfs.diff.tar.gzip" ->
          RemoteFile.Format.TAR_GZIP;
      case "application/vnd.oci.image.layer.v1.tar+zstd" -> RemoteFile.Format.TAR_ZSTD;
      default -> null;
    };
  }

  private static RemoteFile archive(
      String hex,
      long size,
      io.gpux.transfer.HttpCall call,
      RemoteFile.Format format,
      String from,
      boolean whiteouts) {
    return new RemoteFile(
        ".oci-layer-" + hex.substring(0, 16) + ".tar",
        size,
        hex,
        null,
        call,
        new RemoteFile.Unpack(format, from, whiteouts));
  }

  /** A layer's file path from its annotation, refused when absent or unsafe. */
  private static String path(String annotated, String type, String digest, String reference) {
    if (annotated == null || annotated.isBlank()) {
      throw GpuxException.unavailable(
          reference + " has a " + type + " layer (" + digest + ") without a file path annotation",
          "ModelPack layers name their file in org.cncf.model.filepath, ORAS ones in org.opencontainers.image.title");
    }
    String p = annotated;
    while (p.startsWith("./")) {
      p = p.substring(2);
    }
    try {
      return io.gpux.store.ModelStore.checkFilePath(p);
    } catch (GpuxException e) {
      throw GpuxException.invalidInput(
          "refusing "
              + reference
              + ": its layer "
              + digest
              + " names the file '"
              + printable(annotated)
              + "', which would leave the model's folder",
          "the artifact is malformed or hostile; nothing was stored");
    }
  }

  private static String printable(String s) {
    StringBuilder sb = new StringBuilder();
    for (char ch : s.toCharArray()) {
      sb.append(
          Character.isISOControl(ch) ? String.format("\\u%04x", (int) ch) : String.valueOf(ch));
    }
    return sb.toString();
  }
}
