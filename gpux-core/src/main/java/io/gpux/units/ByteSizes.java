package io.gpux.units;

import java.util.Locale;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Byte counts as people write and read them: {@code 512m}, {@code 4g}, {@code 86.7 MB}. */
public final class ByteSizes {
  private static final Pattern SIZE =
      Pattern.compile("(?i)\\s*([0-9]+(?:\\.[0-9]+)?)\\s*([kmgt]?)(?:i?b)?\\s*");
  private static final String[] UNITS = {"KB", "MB", "GB", "TB"};

  private ByteSizes() {}

  /** {@code 21.3 KB}, {@code 86.7 MB} (powers of 1024), {@code 512 B}; {@code ?} when negative. */
  public static String human(long bytes) {
    if (bytes < 0) {
      return "?";
    }
    if (bytes < 1024) {
      return bytes + " B";
    }
    double v = bytes;
    int u = -1;
    while (v >= 1024 && u < UNITS.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, UNITS[u]);
  }

  /**
   * {@code 512m}, {@code 4g}, {@code 1.5GiB}, {@code 2147483648}: a number with an optional k, m, g
   * or t (powers of 1024) and an optional {@code B}/{@code iB}; empty when it is not a size.
   */
  public static OptionalLong parse(String text) {
    Matcher m = SIZE.matcher(text == null ? "" : text);
    if (!m.matches()) {
      return OptionalLong.empty();
    }
    int shift =
        "kmgt".indexOf(Character.toLowerCase(m.group(2).isEmpty() ? ' ' : m.group(2).charAt(0)));
    double bytes = Double.parseDouble(m.group(1)) * (shift < 0 ? 1 : Math.pow(1024, shift + 1));
    return bytes > Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of((long) bytes);
  }
}
