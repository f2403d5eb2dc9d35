package io.gpux.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/**
 * Writes a JSON tree as text the way Jackson's ObjectMapper does (compact, or its default pretty
 * printer), without it: setting up Jackson's serializers was a fifth of a short command's start (30
 * ms of {@code gpux inspect --json}), and a tree needs none of them.
 */
final class JsonText {
  private JsonText() {}

  static String write(JsonNode node, boolean pretty) {
    StringBuilder sb = new StringBuilder();
    value(sb, node, pretty, 0);
    return sb.toString();
  }

  private static void value(StringBuilder sb, JsonNode n, boolean pretty, int depth) {
    switch (n.getNodeType()) {
      case OBJECT -> object(sb, n, pretty, depth);
      case ARRAY -> array(sb, n, pretty, depth);
      case STRING -> string(sb, n.textValue());
      case NUMBER -> sb.append(number(n));
      case BOOLEAN -> sb.append(n.booleanValue());
      case NULL, MISSING -> sb.append("null");
      case BINARY, POJO -> string(sb, n.asText());
    }
  }

  private static String number(JsonNode n) {
    if ((n.isDouble() || n.isFloat()) && !Double.isFinite(n.doubleValue())) {
      return "\""
          + (n.isFloat() ? Float.toString(n.floatValue()) : Double.toString(n.doubleValue()))
          + "\"";
    }
    if (n.isDouble()) {
      return Double.toString(n.doubleValue());
    }
    if (n.isFloat()) {
      return Float.toString(n.floatValue());
    }
    return n.numberValue().toString();
  }

  private static void object(StringBuilder sb, JsonNode n, boolean pretty, int depth) {
    if (n.isEmpty()) {
      sb.append(pretty ? "{ }" : "{}");
      return;
    }
    sb.append('{');
    Iterator<Map.Entry<String, JsonNode>> fields = n.fields();
    boolean first = true;
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      if (!first) {
        sb.append(',');
      }
      first = false;
      if (pretty) {
        newline(sb, depth + 1);
      }
      string(sb, f.getKey());
      sb.append(pretty ? " : " : ":");
      value(sb, f.getValue(), pretty, depth + 1);
    }
    if (pretty) {
      newline(sb, depth);
    }
    sb.append('}');
  }

  private static void array(StringBuilder sb, JsonNode n, boolean pretty, int depth) {
    if (n.isEmpty()) {
      sb.append(pretty ? "[ ]" : "[]");
      return;
    }
    sb.append(pretty ? "[ " : "[");
    for (int i = 0; i < n.size(); i++) {
      if (i > 0) {
        sb.append(pretty ? ", " : ",");
      }
      value(sb, n.get(i), pretty, depth);
    }
    sb.append(pretty ? " ]" : "]");
  }

  private static void newline(StringBuilder sb, int depth) {
    sb.append(System.lineSeparator());
    sb.append("  ".repeat(depth));
  }

  private static void string(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        default -> {
          if (c < 0x20) {
            sb.append(String.format(java.util.Locale.ROOT, "\\u%04X", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
