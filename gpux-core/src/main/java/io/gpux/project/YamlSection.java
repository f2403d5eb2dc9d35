package io.gpux.project;

import io.gpux.error.GpuxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * A mapping in gpux.yml, read field by field so that every error can name the file, the line and
 * the dotted field path. Fields that no reader asks for are reported as unknown (a warning).
 */
final class YamlSection {
  private final String file;
  private final String path;
  private final Node node;
  private final Map<String, NodeTuple> fields = new LinkedHashMap<>();

  YamlSection(String file, String path, Node node) {
    this.file = file;
    this.path = path;
    this.node = node;
    if (!(node instanceof MappingNode mapping)) {
      throw error(node, path.isEmpty() ? "the file" : path, "must be a mapping (key: value)", null);
    }
    for (NodeTuple tuple : mapping.getValue()) {
      fields.put(scalarText(tuple.getKeyNode()), tuple);
    }
  }

  String file() {
    return file;
  }

  Node node() {
    return node;
  }

  Set<String> keys() {
    return fields.keySet();
  }

  String path(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  boolean has(String key) {
    Node value = value(key);
    return value != null && !isNull(value);
  }

  Node value(String key) {
    NodeTuple tuple = fields.get(key);
    return tuple == null ? null : tuple.getValueNode();
  }

  int line(String key) {
    NodeTuple tuple = fields.get(key);
    return tuple == null ? line(node) : line(tuple.getKeyNode());
  }

  YamlSection section(String key) {
    return has(key) ? new YamlSection(file, path(key), value(key)) : null;
  }

  String string(String key, String fallback) {
    if (!has(key)) {
      return fallback;
    }
    Node value = value(key);
    if (!(value instanceof ScalarNode scalar)) {
      throw error(value, path(key), "must be a single value, not a list or mapping", null);
    }
    return scalar.getValue();
  }

  String requiredString(String key, String hint) {
    String value = string(key, null);
    if (value == null || value.isBlank()) {
      throw error(node, path(key), "is required", hint);
    }
    return value;
  }

  int integer(String key, int fallback) {
    Long value = longValue(key);
    return value == null ? fallback : Math.toIntExact(value);
  }

  Integer optionalInteger(String key) {
    Long value = longValue(key);
    return value == null ? null : Math.toIntExact(value);
  }

  private Long longValue(String key) {
    String text = string(key, null);
    if (text == null) {
      return null;
    }
    try {
      return Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      throw error(value(key), path(key), "must be a whole number, got '" + text + "'", null);
    }
  }

  boolean bool(String key, boolean fallback) {
    String text = string(key, null);
    if (text == null) {
      return fallback;
    }
    return switch (text.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "true", "yes", "on" -> true;
      case "false", "no", "off" -> false;
      default ->
          throw error(value(key), path(key), "must be true or false, got '" + text + "'", null);
    };
  }

  /** A list of scalars; a single scalar is accepted as a one-element list. */
  List<String> strings(String key) {
    if (!has(key)) {
      return null;
    }
    Node value = value(key);
    List<String> out = new ArrayList<>();
    if (value instanceof ScalarNode scalar) {
      out.add(scalar.getValue());
      return out;
    }
    if (!(value instanceof SequenceNode seq)) {
      throw error(value, path(key), "must be a list", null);
    }
    for (Node item : seq.getValue()) {
      if (!(item instanceof ScalarNode scalar)) {
        throw error(item, path(key), "must be a list of plain values", null);
      }
      out.add(scalar.getValue());
    }
    return out;
  }

  /** The raw value as plain Java (maps, lists, strings), for free-form sections. */
  Object plain(String key) {
    return has(key) ? toPlain(value(key)) : null;
  }

  static Object toPlain(Node node) {
    if (node instanceof ScalarNode scalar) {
      return isNull(scalar) ? null : scalar.getValue();
    }
    if (node instanceof SequenceNode seq) {
      List<Object> out = new ArrayList<>();
      for (Node item : seq.getValue()) {
        out.add(toPlain(item));
      }
      return out;
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (NodeTuple tuple : ((MappingNode) node).getValue()) {
      out.put(scalarText(tuple.getKeyNode()), toPlain(tuple.getValueNode()));
    }
    return out;
  }

  GpuxException error(Node at, String field, String problem, String hint) {
    return GpuxException.invalidInput(
        file + ":" + line(at) + ": " + field + " " + problem, hint == null ? defaultHint() : hint);
  }

  private String defaultHint() {
    return "fix " + file + " (the fields are described in docs/gpux-yml.md)";
  }

  static int line(Node node) {
    return node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
  }

  static boolean isNull(Node node) {
    return node instanceof ScalarNode scalar
        && "tag:yaml.org,2002:null".equals(scalar.getTag().getValue());
  }

  private static String scalarText(Node node) {
    return node instanceof ScalarNode scalar ? scalar.getValue() : String.valueOf(node);
  }
}
