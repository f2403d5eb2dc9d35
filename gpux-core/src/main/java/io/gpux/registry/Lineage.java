package io.gpux.registry;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/** Helpers for the lineage a registry records with a version (never credentials). */
public final class Lineage {
  private Lineage() {}

  /** Puts a registry answer's text field under {@code key}, when it is a non-empty string. */
  public static void putText(Map<String, String> lineage, String key, JsonNode value) {
    if (value.isTextual() && !value.asText().isEmpty()) {
      lineage.put(key, value.asText());
    }
  }
}
