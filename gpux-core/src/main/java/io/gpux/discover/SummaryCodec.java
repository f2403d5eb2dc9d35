package io.gpux.discover;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gpux.json.Json;
import io.gpux.registry.ModelSummary;
import io.gpux.registry.SearchQuery;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Search answers as the index's cache keeps them: JSON, and the query sent as the cache key. */
final class SummaryCodec {
  private SummaryCodec() {}

  /** The query as sent, one line of JSON: two searches asking the same have the same key. */
  static String key(SearchQuery q) {
    ObjectNode o = Json.NODES.objectNode();
    o.put("text", q.text()).put("author", q.author()).put("task", q.task());
    q.tags().forEach(o.putArray("tags")::add);
    o.put("sort", q.sort().name()).put("limit", q.limit());
    return Json.write(o, false);
  }

  static String encode(List<ModelSummary> hits) {
    ArrayNode a = Json.NODES.arrayNode();
    for (ModelSummary m : hits) {
      ObjectNode o = a.addObject();
      o.put("registry", m.registry()).put("name", m.name()).put("reference", m.reference());
      o.put("task", m.task()).put("license", m.license()).put("author", m.author());
      o.put("size_bytes", m.sizeBytes()).put("format", m.format());
      o.put("updated", m.updated() == null ? null : m.updated().toString());
      m.tags().forEach(o.putArray("tags")::add);
      ObjectNode extras = o.putObject("extras");
      m.extras().forEach((k, v) -> extras.set(k, value(v)));
    }
    return Json.write(a, false);
  }

  static List<ModelSummary> decode(String json) {
    JsonNode a;
    try {
      a = Json.mapper().readTree(json);
    } catch (IOException e) {
      return List.of(); // a damaged cache entry only costs the cache
    }
    List<ModelSummary> out = new ArrayList<>();
    for (JsonNode o : a) {
      List<String> tags = new ArrayList<>();
      o.path("tags").forEach(t -> tags.add(t.asText()));
      Map<String, Object> extras = new LinkedHashMap<>();
      o.path("extras").fields().forEachRemaining(e -> extras.put(e.getKey(), object(e.getValue())));
      out.add(
          new ModelSummary(
              o.path("registry").asText(),
              o.path("name").asText(),
              o.path("reference").asText(),
              o.path("task").asText(null),
              o.path("license").asText(null),
              o.path("author").asText(null),
              o.path("size_bytes").asLong(-1),
              o.path("format").asText(null),
              o.path("updated").isTextual() ? Instant.parse(o.path("updated").asText()) : null,
              tags,
              extras));
    }
    return out;
  }

  /** A registry's figure as JSON: a number, a string, or a list of them. */
  static JsonNode value(Object v) {
    if (v instanceof Long || v instanceof Integer) {
      return Json.NODES.numberNode(((Number) v).longValue());
    }
    if (v instanceof Number n) {
      return Json.NODES.numberNode(n.doubleValue());
    }
    if (v instanceof java.util.Collection<?> c) {
      ArrayNode a = Json.NODES.arrayNode();
      c.forEach(e -> a.add(value(e)));
      return a;
    }
    return v == null ? Json.NODES.nullNode() : Json.NODES.textNode(String.valueOf(v));
  }

  private static Object object(JsonNode n) {
    if (n.isIntegralNumber()) {
      return n.asLong();
    }
    if (n.isNumber()) {
      return n.asDouble();
    }
    if (n.isArray()) {
      List<Object> l = new ArrayList<>();
      n.forEach(e -> l.add(object(e)));
      return l;
    }
    return n.asText();
  }
}
