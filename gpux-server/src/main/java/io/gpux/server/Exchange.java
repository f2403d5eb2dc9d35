package io.gpux.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;

/** The server's JSON mapper, and reading small JSON bodies (model control) as a tree. */
final class Exchange {
  static final ObjectMapper MAPPER = io.gpux.json.Json.mapper();

  private Exchange() {}

  /** A JSON body read whole; for bodies the transport already bounded (not tensors). */
  static JsonNode readJson(RequestBody body) {
    try (InputStream in = body.stream()) {
      JsonNode node = MAPPER.readTree(in);
      if (node == null || node.isMissingNode()) {
        throw new HttpError(400, "the request body is empty; send a JSON object");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new HttpError(400, "the request body is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
