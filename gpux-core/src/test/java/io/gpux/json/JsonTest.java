package io.gpux.json;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

/** Json.write writes what Jackson's ObjectMapper writes, compact and pretty. */
class JsonTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static void same(JsonNode n) throws Exception {
    assertEquals(MAPPER.writeValueAsString(n), Json.write(n, false));
    assertEquals(
        MAPPER.writer().with(SerializationFeature.INDENT_OUTPUT).writeValueAsString(n),
        Json.write(n, true));
  }

  @Test
  void writesTreesAsJacksonDoes() throws Exception {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("s", "quote \" backslash \\ newline \n tab \t bell \u0007 é 漢 / ");
    o.put("i", 7).put("l", 1L << 40).put("d", 0.1).put("small", 1e-7).put("f", 1.5f);
    o.put("fsmall", 3.4e-9f).put("nan", Double.NaN).put("inf", Float.NEGATIVE_INFINITY);
    o.put("big", new BigDecimal("12345678901234567890.5"))
        .put("bi", new BigInteger("9" + "0".repeat(30)));
    o.put("t", true).putNull("n");
    o.putObject("empty");
    o.putArray("none");
    ArrayNode a = o.putArray("nested");
    a.addArray().add(1.0).add(2.5f).add(-3);
    a.addObject().put("k", "v").putArray("x").add("y");
    a.add(MAPPER.createObjectNode());
    same(o);
    same(MAPPER.readTree("[[0.1, 2], {\"a\": [true, null]}, \"x\", 1e300, -0.0]"));
    same(MAPPER.readTree("3"));
  }
}
