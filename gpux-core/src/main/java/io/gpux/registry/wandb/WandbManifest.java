package io.gpux.registry.wandb;

import com.fasterxml.jackson.databind.JsonNode;
import io.gpux.error.GpuxException;
import java.util.ArrayList;
import java.util.List;

/**
 * An artifact manifest ({@code wandb_manifest.json}, version 1): each entry's path, base64 MD5,
 * size and, for reference entries, the URL the bytes live at.
 */
record WandbManifest(List<Entry> entries) {

  record Entry(String path, String digest, long size, String ref) {}

  static WandbManifest parse(JsonNode root, String what) {
    if (root.path("version").asInt(-1) != 1 || !root.path("contents").isObject()) {
      throw GpuxException.unavailable(
          "the manifest of " + what + " is not a W&B artifact manifest (version 1)",
          "check WANDB_BASE_URL points at a W&B server");
    }
    List<Entry> out = new ArrayList<>();
    root.path("contents")
        .properties()
        .forEach(
            e ->
                out.add(
                    new Entry(
                        e.getKey(),
                        e.getValue().path("digest").asText(null),
                        e.getValue().path("size").asLong(-1),
                        e.getValue().path("ref").asText(null))));
    return new WandbManifest(out);
  }
}
