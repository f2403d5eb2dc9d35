package io.gpux.testing.hf;

import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Writes the JSON the hub answers with, through Jackson: maps keep their insertion order (the Hub's
 * key order helps people reading a diff), and {@link Raw} text that fixtures supply already encoded
 * goes in as is.
 */
final class Json {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}

  /** JSON text inserted as is (a fixture's {@code config} or {@code cardData}). */
  record Raw(@JsonValue @JsonRawValue String json) {}

  static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("no JSON form for " + value, e);
    }
  }
}
