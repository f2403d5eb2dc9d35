package io.gpux.store;

import io.gpux.digest.Sha256;
import io.gpux.error.GpuxException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Maps names onto folders safely, and refuses file paths that could leave a model's folder.
 *
 * <p>Registry names, model-name segments and versions are percent-encoded (everything outside
 * {@code [A-Za-z0-9._-]} becomes {@code %XX}), so {@code refs/pr/1} stays one folder and no text
 * can name a parent folder. A model name keeps its {@code /} as nested folders; a version gets a
 * leading {@code @}. Encoded segments longer than {@link #MAX_SEGMENT} characters are shortened
 * with a hash of the original, because file systems refuse names over 255 bytes; the mapping need
 * not be reversible, since a manifest carries its own registry, name and version.
 */
final class StorePaths {
  static final int MAX_SEGMENT = 120;
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  private StorePaths() {}

  static String registry(String registry) {
    return encode(checkSegment("registry name", registry, registry));
  }

  /** A model name as nested folders, one per {@code /}-separated segment. */
  static String name(String name) {
    if (name == null || name.isEmpty()) {
      throw refused("model name", "", "is empty");
    }
    StringBuilder sb = new StringBuilder();
    for (String part : name.split("/", -1)) {
      sb.append(sb.length() == 0 ? "" : "/").append(encode(checkSegment("model name", name, part)));
    }
    return sb.toString();
  }

  /**
   * A version as one file or folder name: its slashes are encoded, not nested, and it starts with
   * {@code @}, which encoded names never do, so the version {@code b} of model {@code a} and the
   * model {@code a/b} cannot share a folder.
   */
  static String version(String version) {
    return "@" + encode(checkSegment("version", version, version));
  }

  private static String checkSegment(String what, String whole, String segment) {
    if (segment == null || segment.isEmpty()) {
      throw refused(what, whole, "has an empty part");
    }
    if (segment.equals(".") || segment.equals("..")) {
      throw refused(what, whole, "has a '" + segment + "' part");
    }
    return segment;
  }

  private static GpuxException refused(String what, String text, String why) {
    return GpuxException.invalidInput(
        "refusing " + what + " '" + printable(String.valueOf(text)) + "': it " + why,
        "check the model reference");
  }

  static String encode(String text) {
    StringBuilder sb = new StringBuilder();
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      boolean safe =
          (c >= 'A' && c <= 'Z')
              || (c >= 'a' && c <= 'z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '_'
              || c == '-';
      if (safe) {
        sb.append((char) c);
      } else {
        sb.append('%').append(HexFormat.of().withUpperCase().toHexDigits((byte) c));
      }
    }
    if (sb.length() <= MAX_SEGMENT) {
      return sb.toString();
    }
    // '~' is never produced by the encoding above, so a shortened name cannot equal a plain one.
    String hash = Sha256.hex(text.getBytes(StandardCharsets.UTF_8)).substring(0, 32);
    return sb.substring(0, MAX_SEGMENT - 33) + "~" + hash;
  }

  /**
   * Refuses anything but a normalized relative path with {@code /} separators: no empty, {@code .}
   * or {@code ..} segment, not absolute, no backslash, no control character, no segment over 255
   * bytes.
   */
  static String checkFilePath(String path) {
    String why = null;
    if (path == null || path.isEmpty()) {
      why = "is empty";
    } else if (path.startsWith("/") || path.matches("^[A-Za-z]:.*")) {
      why = "is absolute";
    } else if (path.contains("\\")) {
      why = "contains a backslash";
    } else if (path.chars().anyMatch(Character::isISOControl)) {
      why = "contains a control character";
    } else {
      for (String part : path.split("/", -1)) {
        if (part.isEmpty() || part.equals(".") || part.equals("..")) {
          why = "has an empty, '.' or '..' segment";
          break;
        }
        if (part.getBytes(StandardCharsets.UTF_8).length > 255) {
          why = "has a segment longer than 255 bytes";
          break;
        }
      }
    }
    if (why != null) {
      throw GpuxException.invalidInput(
          "refusing file path '" + printable(String.valueOf(path)) + "': it " + why,
          "a model's files must stay inside its folder: the listing is malformed or hostile");
    }
    return path;
  }

  /**
   * Checks the paths of one version together: each must be safe, none may appear twice, and none
   * may be both a file and a folder ({@code a} and {@code a/b}), or the version could not be laid
   * out as files.
   */
  static void checkFilePaths(List<ManifestFile> files) {
    Set<String> paths = new HashSet<>();
    for (ManifestFile f : files) {
      if (!paths.add(checkFilePath(f.path()))) {
        throw GpuxException.invalidInput(
            "refusing file path '" + printable(f.path()) + "': it is listed twice", null);
      }
    }
    for (String p : paths) {
      for (int i = p.indexOf('/'); i >= 0; i = p.indexOf('/', i + 1)) {
        if (paths.contains(p.substring(0, i))) {
          throw GpuxException.invalidInput(
              "refusing file path '"
                  + printable(p)
                  + "': '"
                  + printable(p.substring(0, i))
                  + "' is also a file",
              null);
        }
      }
    }
  }

  static String checkDigest(String sha256) {
    if (sha256 == null || !SHA256.matcher(sha256).matches()) {
      throw GpuxException.invalidInput(
          "'" + printable(String.valueOf(sha256)) + "' is not a sha256 digest (64 lowercase hex)",
          null);
    }
    return sha256;
  }

  static boolean isDigest(String text) {
    return SHA256.matcher(text).matches();
  }

  /** The text with control characters escaped, so an error message cannot forge terminal output. */
  static String printable(String s) {
    StringBuilder sb = new StringBuilder();
    for (char c : s.toCharArray()) {
      sb.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
    }
    return sb.toString();
  }
}
