package io.gpux.store;

import io.gpux.GpuxException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Maps names onto folders safely. Registry names, model names and versions are percent-encoded per
 * segment (so {@code refs/pr/1} stays one folder and {@code ..} can never be one); file paths
 * inside a model must already be safe relative paths, or they are refused.
 */
final class StorePaths {
  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._-]");
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  private StorePaths() {}

  /** One folder name for any text: safe characters stay, the rest become %XX. */
  static String segment(String text) {
    if (text == null || text.isEmpty()) {
      throw GpuxException.invalidInput("an empty name cannot be stored", null);
    }
    StringBuilder sb = new StringBuilder();
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if (b >= 0 && SAFE.matcher(String.valueOf(c)).matches()) {
        sb.append(c);
      } else {
        sb.append('%').append(String.format("%02X", b & 0xff));
      }
    }
    String s = sb.toString();
    return s.equals(".") ? "%2E" : s.equals("..") ? "%2E%2E" : s;
  }

  /** A model name (segments separated by '/') as nested folders. */
  static String name(String name) {
    StringBuilder sb = new StringBuilder();
    for (String part : name.split("/", -1)) {
      sb.append(sb.length() == 0 ? "" : "/").append(segment(part));
    }
    return sb.toString();
  }

  /** Refuses anything but a normalized relative path: no '..', no absolute, no '\', no controls. */
  static String checkFilePath(String path) {
    String why = null;
    if (path == null || path.isEmpty()) {
      why = "is empty";
    } else if (path.startsWith("/") || path.matches("^[A-Za-z]:.*")) {
      why = "is absolute";
    } else if (path.contains("\\")) {
      why = "contains a backslash";
    } else if (path.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      why = "contains a control character";
    } else {
      for (String part : path.split("/", -1)) {
        if (part.isEmpty() || part.equals(".") || part.equals("..")) {
          why = "has an empty, '.' or '..' segment";
          break;
        }
      }
    }
    if (why != null) {
      throw GpuxException.invalidInput(
          "refusing file path '" + printable(path) + "': it " + why,
          "a model's files must stay inside its folder; the registry listing is malformed or hostile");
    }
    return path;
  }

  static String checkDigest(String sha256) {
    if (sha256 == null || !SHA256.matcher(sha256).matches()) {
      throw GpuxException.invalidInput(
          "'" + printable(String.valueOf(sha256)) + "' is not a sha256 digest", null);
    }
    return sha256;
  }

  private static String printable(String s) {
    StringBuilder sb = new StringBuilder();
    for (char c : s.toCharArray()) {
      sb.append(c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c));
    }
    return sb.toString();
  }
}
