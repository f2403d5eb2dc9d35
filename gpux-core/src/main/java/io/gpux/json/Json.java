package io.gpux.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Map;

/** The one JSON set-up: a shared mapper, the node factory, and a tree writer. */
public final class Json {
  private Json() {}

  /** Tree nodes, for building output without a mapper. */
  public static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** The streaming factory under everything: cheap, and all a tree writer needs. */
  private static final JsonFactory FACTORY = new JsonFactory();

  /** Made on first use: setting up its serializers costs a short command ~30 ms. */
  private static final class Holder {
    static final ObjectMapper MAPPER = new ObjectMapper(FACTORY);
  }

  /** The shared mapper (thread-safe); configure nothing on it, copy it for other settings. */
  public static ObjectMapper mapper() {
    return Holder.MAPPER;
  }

  /** The streaming factory, for parsers and generators over large bodies. */
  public static JsonFactory factory() {
    return FACTORY;
  }

  /**
   * A tree as text, compact or pretty, exactly as the mapper writes it (the pretty form is
   * Jackson's default pretty printer), without setting up the mapper: Jackson's generator writes
   * the escapes, numbers and layout; non-finite floats become strings ({@code "NaN"}), as the
   * mapper writes them.
   */
  public static String write(JsonNode node, boolean pretty) {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      if (pretty) {
        g.setPrettyPrinter(new DefaultPrettyPrinter());
      }
      write(g, node);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringWriter does not fail
    }
    return out.toString();
  }

  private static void write(JsonGenerator g, JsonNode n) throws IOException {
    switch (n.getNodeType()) {
      case OBJECT -> {
        g.writeStartObject();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> f = it.next();
          g.writeFieldName(f.getKey());
          write(g, f.getValue());
        }
        g.writeEndObject();
      }
      case ARRAY -> {
        g.writeStartArray();
        for (JsonNode e : n) {
          write(g, e);
        }
        g.writeEndArray();
      }
      case STRING -> g.writeString(n.textValue());
      case NUMBER -> number(g, n);
      case BOOLEAN -> g.writeBoolean(n.booleanValue());
      case NULL, MISSING -> g.writeNull();
      case BINARY, POJO -> g.writeString(n.asText());
    }
  }

  private static void number(JsonGenerator g, JsonNode n) throws IOException {
    if (n.isFloat()) {
      g.writeNumber(n.floatValue());
    } else if (n.isDouble()) {
      g.writeNumber(n.doubleValue());
    } else if (n.isBigDecimal()) {
      g.writeNumber(n.decimalValue());
    } else if (n.isBigInteger()) {
      g.writeNumber(n.bigIntegerValue());
    } else if (n.isLong()) {
      g.writeNumber(n.longValue());
    } else {
      g.writeNumber(n.intValue());
    }
  }
}
