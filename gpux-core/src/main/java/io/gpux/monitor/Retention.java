package io.gpux.monitor;

import io.gpux.error.GpuxException;
import java.time.Duration;

/**
 * How long each tier of the history is kept: raw samples (every recording interval) for {@code
 * raw}, then rolled up into one row per minute kept for {@code minutes}, then one per hour kept for
 * {@code hours}, then dropped. A week at 1,000 requests/s is a week of rows, whatever the rate: the
 * size grows with models and time, not with traffic.
 */
public record Retention(Duration raw, Duration minutes, Duration hours) {
  /** Raw for 6 hours, per minute for 7 days, per hour for 90 days. */
  public static final Retention DEFAULT =
      new Retention(Duration.ofHours(6), Duration.ofDays(7), Duration.ofDays(90));

  public Retention {
    if (raw.isNegative() || minutes.compareTo(raw) < 0 || hours.compareTo(minutes) < 0) {
      throw GpuxException.invalidInput(
          "history retention must grow tier by tier (raw <= per-minute <= per-hour), got "
              + text(raw)
              + ","
              + text(minutes)
              + ","
              + text(hours),
          "e.g. --history-retention 6h,7d,90d");
    }
  }

  /** {@code RAW,MINUTES,HOURS} as durations such as {@code 6h,7d,90d} (s, m, h, d). */
  public static Retention parse(String text) {
    String[] parts = text.split(",");
    if (parts.length != 3) {
      throw GpuxException.invalidInput(
          "--history-retention takes three durations RAW,PER_MINUTE,PER_HOUR, got " + text,
          "e.g. --history-retention 6h,7d,90d");
    }
    return new Retention(duration(parts[0]), duration(parts[1]), duration(parts[2]));
  }

  static Duration duration(String t) {
    String s = t.strip();
    if (s.matches("\\d+[smhd]")) {
      long n = Long.parseLong(s.substring(0, s.length() - 1));
      return switch (s.charAt(s.length() - 1)) {
        case 's' -> Duration.ofSeconds(n);
        case 'm' -> Duration.ofMinutes(n);
        case 'h' -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
    }
    throw GpuxException.invalidInput(
        "'" + t + "' is not a duration", "write a number and s, m, h or d, e.g. 6h or 7d");
  }

  static String text(Duration d) {
    long s = d.toSeconds();
    if (s % 86400 == 0) {
      return s / 86400 + "d";
    }
    if (s % 3600 == 0) {
      return s / 3600 + "h";
    }
    return s % 60 == 0 ? s / 60 + "m" : s + "s";
  }

  @Override
  public String toString() {
    return text(raw) + "," + text(minutes) + "," + text(hours);
  }
}
