package io.gpux.workspace;

import io.gpux.error.GpuxException;
import io.gpux.spelling.EditDistance;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The names of workspaces and collections: letters, digits, {@code -}, {@code _} and {@code .},
 * starting with a letter or digit, at most 64 characters, so that a name is safe in a file name, a
 * URL and a shell without quoting.
 */
public final class Names {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  private Names() {}

  /**
   * {@code name} if it is a valid name, else a bad-input error naming the rule.
   *
   * @param kind "workspace" or "collection", for the message
   */
  public static String check(String kind, String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw GpuxException.invalidInput(
          "'" + name + "' is not a valid " + kind + " name",
          "use letters, digits, '-', '_' and '.' (starting with a letter or digit, at most 64)");
    }
    return name;
  }

  /** ", did you mean ...?" hints: the known names closest to {@code name} (up to three). */
  public static String closest(String name, List<String> known) {
    List<String> near =
        known.stream()
            .filter(
                k ->
                    EditDistance.between(k, name) <= Math.max(2, name.length() / 3)
                        || k.startsWith(name)
                        || name.startsWith(k))
            .sorted(Comparator.comparingInt(k -> EditDistance.between(k, name)))
            .limit(3)
            .toList();
    return near.isEmpty() ? null : String.join(", ", near);
  }

  /** The error for a workspace that does not exist, with the closest known names. */
  public static GpuxException unknownWorkspace(String name, List<String> known) {
    String near = closest(name, known);
    return GpuxException.invalidInput(
        "no workspace '" + name + "'",
        (near == null ? "" : "did you mean " + near + "? ")
            + "create it with `gpux workspace create "
            + name
            + "`, or see `gpux workspace list`");
  }
}
