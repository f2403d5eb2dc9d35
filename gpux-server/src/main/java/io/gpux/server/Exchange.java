package io.gpux.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Reading a request and writing a JSON (or text) answer, with the server's limits. */
final class Exchange {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private Exchange() {}

  static JsonNode readJson(HttpExchange x, long limit) throws IOException {
    String length = x.getRequestHeaders().getFirst("Content-Length");
    if (length != null && Long.parseLong(length.trim()) > limit) {
      throw new HttpError(413, "the request body is " + length + " bytes; the limit is " + limit);
    }
    byte[] body;
    try (InputStream in = x.getRequestBody()) {
      body = in.readNBytes((int) Math.min(Integer.MAX_VALUE, limit + 1));
    }
    if (body.length > limit) {
      throw new HttpError(413, "the request body is over the limit of " + limit + " bytes");
    }
    try {
      JsonNode node = MAPPER.readTree(body);
      if (node == null || node.isMissingNode()) {
        throw new HttpError(400, "the request body is empty; send a JSON object");
      }
      return node;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new HttpError(400, "the request body is not valid JSON: " + e.getOriginalMessage());
    }
  }

  static byte[] readBytes(HttpExchange x, long limit) throws IOException {
    String length = x.getRequestHeaders().getFirst("Content-Length");
    if (length != null && Long.parseLong(length.trim()) > limit) {
      throw new HttpError(413, "the request body is " + length + " bytes; the limit is " + limit);
    }
    try (InputStream in = x.getRequestBody()) {
      byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE, limit + 1));
      if (body.length > limit) {
        throw new HttpError(413, "the request body is over the limit of " + limit + " bytes");
      }
      return body;
    }
  }

  static JsonNode parse(byte[] json) {
    try {
      JsonNode node = MAPPER.readTree(json);
      if (node == null || node.isMissingNode()) {
        throw new HttpError(400, "the JSON header is empty");
      }
      return node;
    } catch (IOException e) {
      throw new HttpError(400, "the JSON header is not valid JSON: " + e.getMessage());
    }
  }

  static void bytes(HttpExchange x, int status, String type, byte[] body) throws IOException {
    send(x, status, type, body);
  }

  static void json(HttpExchange x, int status, Object body) throws IOException {
    send(x, status, "application/json", MAPPER.writeValueAsBytes(body));
  }

  static void text(HttpExchange x, int status, String contentType, String body) throws IOException {
    send(x, status, contentType, body.getBytes(StandardCharsets.UTF_8));
  }

  static void error(HttpExchange x, int status, String message) throws IOException {
    json(x, status, java.util.Map.of("error", message));
  }

  private static void send(HttpExchange x, int status, String type, byte[] bytes)
      throws IOException {
    x.getResponseHeaders().set("Content-Type", type);
    if (x.getRequestMethod().equals("HEAD")) {
      x.sendResponseHeaders(status, -1);
      return;
    }
    x.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      x.getResponseBody().write(bytes);
    }
  }
}
