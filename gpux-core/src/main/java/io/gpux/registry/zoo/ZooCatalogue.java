package io.gpux.registry.zoo;

import com.fasterxml.jackson.databind.JsonNode;
import io.gpux.error.GpuxException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The zoo's catalogue, {@code ONNX_HUB_MANIFEST.json}: a JSON array of entries, read as {@code
 * onnx.hub} reads it (names compared case-insensitively, the highest opset by default, tags matched
 * any-of, case-insensitively).
 *
 * @param sha256 the catalogue's own sha256: its version
 */
record ZooCatalogue(List<ZooEntry> entries, String sha256) {
  private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

  ZooCatalogue {
    entries = List.copyOf(entries);
  }

  /** Parses a manifest; {@code where} names it in errors (a URL or "the shipped catalogue"). */
  static ZooCatalogue parse(byte[] json, String where) {
    JsonNode root;
    try {
      root = io.gpux.json.Json.mapper().readTree(json);
    } catch (IOException e) {
      throw broken(where, "it is not JSON");
    }
    if (root == null || !root.isArray()) {
      throw broken(where, "it is not a JSON array of models");
    }
    List<ZooEntry> out = new ArrayList<>();
    for (JsonNode e : root) {
      JsonNode meta = e.path("metadata");
      String model = e.path("model").asText("");
      String path = e.path("model_path").asText("");
      String sha = meta.path("model_sha").asText("").toLowerCase(Locale.ROOT);
      if (model.isBlank() || !e.path("opset_version").canConvertToInt() || !safePath(path)) {
        throw broken(where, "an entry has no model name, opset_version or a safe model_path");
      }
      if (!HEX64.matcher(sha).matches() || !meta.path("model_bytes").canConvertToLong()) {
        // The check before the store takes a byte needs both: without them nothing is pulled.
        throw broken(where, model + " has no model_sha (sha256) or model_bytes");
      }
      List<String> tags = new ArrayList<>();
      meta.path("tags").forEach(t -> tags.add(t.asText()));
      String withData = meta.path("model_with_data_path").asText(null);
      String withDataSha = meta.path("model_with_data_sha").asText(null);
      if (withData != null
          && (!safePath(withData)
              || withDataSha == null
              || !HEX64.matcher(withDataSha.toLowerCase(Locale.ROOT)).matches())) {
        withData = null;
        withDataSha = null;
      }
      out.add(
          new ZooEntry(
              model,
              path,
              e.path("opset_version").asInt(),
              sha,
              meta.path("model_bytes").asLong(),
              tags,
              withData,
              withDataSha == null ? null : withDataSha.toLowerCase(Locale.ROOT),
              meta.path("model_with_data_bytes").asLong(-1),
              e.path("onnx_version").asText(null),
              meta.path("io_ports").isObject() ? meta.path("io_ports").toString() : null));
    }
    return new ZooCatalogue(out, io.gpux.digest.Sha256.hex(json));
  }

  /** A relative path of safe segments: it goes into a URL and names a file in the model. */
  private static boolean safePath(String path) {
    if (path.isEmpty() || path.startsWith("/")) {
      return false;
    }
    for (String s : path.split("/", -1)) {
      if (s.isEmpty() || s.equals(".") || s.equals("..") || !s.matches("[A-Za-z0-9._+-]+")) {
        return false;
      }
    }
    return true;
  }

  private static GpuxException broken(String where, String why) {
    return GpuxException.unavailable(
        "the ONNX Model Zoo catalogue at " + where + " cannot be read: " + why,
        "check GPUX_ONNX_ZOO_URL points at a zoo mirror (a base URL holding"
            + " ONNX_HUB_MANIFEST.json), or unset it to use the catalogue shipped with gpux");
  }

  /** Every entry of the model with this key, highest opset first. */
  List<ZooEntry> opsets(String key) {
    List<ZooEntry> out = new ArrayList<>();
    for (ZooEntry e : entries) {
      if (e.key().equals(key)) {
        out.add(e);
      }
    }
    out.sort(Comparator.comparingInt(ZooEntry::opset).reversed());
    return out;
  }

  /**
   * The entry a reference names: its opset (or its exact version's opset), else the highest.
   *
   * @throws GpuxException not found, naming close names or the opsets there are
   */
  ZooEntry find(String key, String version) {
    List<ZooEntry> all = opsets(key);
    if (all.isEmpty()) {
      List<String> close = closeNames(key);
      throw GpuxException.notFound(
          "the ONNX Model Zoo has no model '" + key + "'",
          close.isEmpty()
              ? "`gpux search -r zoo TEXT` lists the zoo's models"
              : "did you mean "
                  + String.join(", ", close.stream().map(n -> "zoo:" + n).toList())
                  + "? (`gpux search -r zoo TEXT` lists the zoo's models)");
    }
    if (version == null) {
      return all.get(0);
    }
    int dash = version.indexOf('-');
    int opset = Integer.parseInt(dash < 0 ? version : version.substring(0, dash));
    for (ZooEntry e : all) {
      if (e.opset() == opset) {
        if (dash >= 0 && !e.version().equals(version)) {
          throw GpuxException.notFound(
              "zoo:"
                  + key
                  + "@"
                  + version
                  + " is not in the catalogue: opset "
                  + opset
                  + " of "
                  + e.model()
                  + " is now "
                  + e.version()
                  + " (its file changed upstream)",
              "pull zoo:" + key + "@" + opset + " for the current file");
        }
        return e;
      }
    }
    throw GpuxException.notFound(
        all.get(0).model() + " has no opset " + opset + " in the ONNX Model Zoo",
        "its opsets: "
            + String.join(", ", all.stream().map(e -> Integer.toString(e.opset())).toList())
            + " (e.g. zoo:"
            + key
            + "@"
            + all.get(0).opset()
            + ")");
  }

  /** Up to five model keys within a small edit distance of {@code key}, or containing it. */
  List<String> closeNames(String key) {
    Set<String> keys = new TreeSet<>();
    entries.forEach(e -> keys.add(e.key()));
    record Scored(String name, int distance) {}
    List<Scored> scored = new ArrayList<>();
    int limit = Math.max(2, key.length() / 3);
    for (String k : keys) {
      int d = io.gpux.spelling.EditDistance.between(key, k);
      if (d <= limit || k.contains(key) || (key.length() >= 4 && key.contains(k))) {
        scored.add(new Scored(k, d));
      }
    }
    scored.sort(Comparator.comparingInt(Scored::distance).thenComparing(Scored::name));
    return scored.stream().limit(5).map(Scored::name).toList();
  }
}
