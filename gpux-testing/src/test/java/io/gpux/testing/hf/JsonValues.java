package io.gpux.testing.hf;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;

/**
 * Reads JSON into maps (in document order), lists, strings, longs/doubles, booleans and null, so
 * the tests can assert on what the hub and the Python client wrote.
 */
final class JsonValues {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(DeserializationFeature.USE_LONG_FOR_INTS);

  private JsonValues() {}

  static Object parse(String json) {
    try {
      return MAPPER.readValue(json, Object.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
    }
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> object(String json) {
    return (Map<String, Object>) parse(json);
  }

  @SuppressWarnings("unchecked")
  static List<Object> array(String json) {
    return (List<Object>) parse(json);
  }

  /** Follows keys and list indexes: {@code at(report, "info", "siblings", "config.json")}. */
  static Object at(Object root, Object... path) {
    Object v = root;
    for (Object key : path) {
      v = key instanceof Integer n ? ((List<?>) v).get(n) : ((Map<?, ?>) v).get(key);
    }
    return v;
  }
}
