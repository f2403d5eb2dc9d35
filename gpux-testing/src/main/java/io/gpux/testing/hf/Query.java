package io.gpux.testing.hf;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A request's query parameters, repeated keys kept in order ({@code filter=a&filter=b}). */
final class Query {
  private final String raw;
  private final Map<String, List<String>> params = new LinkedHashMap<>();

  Query(String raw) {
    this.raw = raw;
    if (raw == null) {
      return;
    }
    for (String kv : raw.split("&")) {
      if (kv.isEmpty()) {
        continue;
      }
      int eq = kv.indexOf('=');
      String key = decodeForm(eq < 0 ? kv : kv.substring(0, eq));
      params
          .computeIfAbsent(key, k -> new ArrayList<>())
          .add(eq < 0 ? "" : decodeForm(kv.substring(eq + 1)));
    }
  }

  String first(String key) {
    List<String> v = params.get(key);
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  List<String> all(String key) {
    return params.getOrDefault(key, List.of());
  }

  boolean has(String key) {
    return params.containsKey(key);
  }

  /** True for {@code true}, {@code True}, {@code 1} (httpx and requests spell booleans apart). */
  boolean flag(String key) {
    String v = first(key);
    return v != null && (v.equalsIgnoreCase("true") || v.equals("1"));
  }

  /** The raw query without one key, for building the next page's link. */
  String rawWithout(String key) {
    if (raw == null) {
      return "";
    }
    List<String> kept = new ArrayList<>();
    for (String kv : raw.split("&")) {
      int eq = kv.indexOf('=');
      if (!kv.isEmpty() && !decodeForm(eq < 0 ? kv : kv.substring(0, eq)).equals(key)) {
        kept.add(kv);
      }
    }
    return String.join("&", kept);
  }

  /** Percent-decoding of a path segment: unlike a form, {@code +} stays a plus. */
  static String decodePath(String s) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int i = 0;
    while (i < s.length()) {
      int hex = i + 2 < s.length() && s.charAt(i) == '%' ? hexByte(s, i + 1) : -1;
      if (hex >= 0) {
        out.write(hex);
        i += 3;
      } else {
        int cp = s.codePointAt(i);
        out.writeBytes(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
        i += Character.charCount(cp);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static int hexByte(String s, int at) {
    int hi = Character.digit(s.charAt(at), 16);
    int lo = Character.digit(s.charAt(at + 1), 16);
    return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
  }

  private static String decodeForm(String s) {
    return decodePath(s.replace('+', ' '));
  }
}
