package io.gpux.testing.hf;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes responses the way the Hub's clients need them. The JDK server drops or zeroes the length
 * of a HEAD answer unless told otherwise, so HEAD gets the {@code Content-Length} the GET would
 * have, set by hand, and no body.
 */
final class Reply {
  private Reply() {}

  static Map<String, String> headers() {
    return new LinkedHashMap<>();
  }

  static void json(HttpExchange x, int status, Object body, Map<String, String> headers)
      throws IOException {
    bytes(
        x,
        status,
        "application/json; charset=utf-8",
        Json.write(body).getBytes(StandardCharsets.UTF_8),
        headers);
  }

  /**
   * A Hub error: {@code X-Error-Code} (what {@code huggingface_hub} turns into a typed exception),
   * {@code X-Error-Message} and the same message as {@code {"error": ...}}.
   */
  static void error(
      HttpExchange x, int status, String code, String message, Map<String, String> headers)
      throws IOException {
    Map<String, String> h = new LinkedHashMap<>(headers);
    if (code != null) {
      h.put("X-Error-Code", code);
    }
    h.put("X-Error-Message", message);
    json(x, status, Map.of("error", message), h);
  }

  static void error(HttpExchange x, int status, String code, String message) throws IOException {
    error(x, status, code, message, Map.of());
  }

  /** A response without a body (a redirect). */
  static void empty(HttpExchange x, int status, Map<String, String> headers) throws IOException {
    headers.forEach((k, v) -> x.getResponseHeaders().set(k, v));
    x.sendResponseHeaders(status, -1);
  }

  static void bytes(
      HttpExchange x, int status, String type, byte[] body, Map<String, String> headers)
      throws IOException {
    headers.forEach((k, v) -> x.getResponseHeaders().set(k, v));
    x.getResponseHeaders().set("Content-Type", type);
    if (isHead(x)) {
      x.getResponseHeaders().set("Content-Length", Integer.toString(body.length));
      x.sendResponseHeaders(status, -1);
      return;
    }
    x.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    x.getResponseBody().write(body);
  }

  static boolean isHead(HttpExchange x) {
    return x.getRequestMethod().equals("HEAD");
  }
}
