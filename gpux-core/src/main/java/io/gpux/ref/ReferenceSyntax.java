package io.gpux.ref;

import io.gpux.error.GpuxException;
import java.util.regex.Pattern;

/**
 * The rules every grammar shares, so that a parsed name is always safe to map onto folders: no
 * {@code ..}, no absolute path, no backslash, no control character, no empty segment.
 */
public final class ReferenceSyntax {
  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._-]+");
  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9._-]+");

  private ReferenceSyntax() {}

  /**
   * Checks a model name: {@code segment *("/" segment)}, each of letters, digits, '.', '_', '-'.
   */
  public static void checkName(String text, String name) {
    if (name.isEmpty()) {
      throw invalid(text, "has no model name");
    }
    for (String segment : name.split("/", -1)) {
      if (segment.isEmpty()) {
        throw invalid(text, "has an empty path segment (a leading, trailing or double '/')");
      }
      if (segment.equals(".") || segment.equals("..")) {
        throw invalid(text, "has a '" + segment + "' segment");
      }
      if (!SEGMENT.matcher(segment).matches()) {
        throw invalid(
            text, "has '" + segment + "' (names use letters, digits, '.', '_', '-' and '/')");
      }
    }
  }

  /** Checks a tag, alias or stage: letters, digits, '.', '_', '-'. */
  public static void checkTag(String text, String tag, String what) {
    if (!TAG.matcher(tag).matches()) {
      throw invalid(
          text, "has an invalid " + what + " '" + tag + "' (letters, digits, '.', '_', '-')");
    }
  }

  /** The error for a malformed reference, with the general form as the hint. */
  public static GpuxException invalid(String text, String why) {
    return GpuxException.invalidInput(
        "invalid model reference '" + text + "': it " + why,
        "write [registry:]name[@version|:tag], e.g. hf:org/model@main or ./my-project");
  }
}
