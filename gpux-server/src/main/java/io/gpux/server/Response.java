package io.gpux.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** An answer: status, content type, extra headers and the body's bytes. */
record Response(int status, String contentType, Map<String, String> headers, byte[] body) {

  static Response json(int status, Object value) {
    try {
      return new Response(
          status, "application/json", Map.of(), Exchange.MAPPER.writeValueAsBytes(value));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static Response text(int status, String contentType, String body) {
    return new Response(status, contentType, Map.of(), body.getBytes(StandardCharsets.UTF_8));
  }

  /** {@code {"error": message}}, the shape every error of this server has. */
  static Response error(int status, String message) {
    return json(status, Map.of("error", message));
  }

  /** The {@code error} message of an {@link #error} answer; null for any other body. */
  String errorMessage() {
    if (!contentType.startsWith("application/json")) {
      return null;
    }
    try {
      com.fasterxml.jackson.databind.JsonNode e = Exchange.MAPPER.readTree(body).get("error");
      return e != null && e.isTextual() ? e.asText() : null;
    } catch (java.io.IOException | RuntimeException notAnError) {
      return null;
    }
  }

  Response with(String header, String value) {
    Map<String, String> h = new LinkedHashMap<>(headers);
    h.put(header, value);
    return new Response(status, contentType, Map.copyOf(h), body);
  }
}
