package io.gpux.index;

import io.gpux.error.GpuxException;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a team-shared index lives: {@code GPUX_INDEX_URL=postgresql://USER[:PASS]@HOST[:PORT]/DB},
 * with libpq's own ways to keep the password out of the URL: {@code PGPASSWORD}, or a password file
 * ({@code PGPASSFILE}, else {@code ~/.pgpass}, lines {@code host:port:db:user:password}) that only
 * its owner can read, as libpq demands. The password is never part of {@link #toString()}, which is
 * what messages show.
 *
 * @param query what followed {@code ?}, passed to the JDBC driver as is ({@code sslmode=require})
 * @param origin what named it, for messages: {@code GPUX_INDEX_URL} or {@code index.url in FILE}
 */
public record PostgresUrl(
    String user,
    String password,
    String host,
    int port,
    String database,
    String query,
    String origin) {
  /** The variable that names it; messages name it so the user knows what to fix. */
  public static final String VARIABLE = "GPUX_INDEX_URL";

  /** A URL the variable named. */
  public PostgresUrl(
      String user, String password, String host, int port, String database, String query) {
    this(user, password, host, port, database, query, VARIABLE);
  }

  /**
   * What named the URL in {@code env}, as messages say it: {@code GPUX_INDEX_URL}, or {@code
   * index.url in FILE} when it came from the settings file (which marks it under {@code
   * gpux.origin.GPUX_INDEX_URL}, see {@code io.gpux.config.SettingsFile}).
   */
  public static String origin(Map<String, String> env) {
    return env.getOrDefault("gpux.origin." + VARIABLE, VARIABLE);
  }

  private static final Pattern URL =
      Pattern.compile(
          "(?:postgresql|postgres)://(?:([^:@/]+)(?::([^@/]*))?@)?"
              + "(\\[[0-9a-fA-F:]+\\]|[^:/?\\[\\]]+)(?::(\\d{1,5}))?/([^?/]+)(?:\\?(.*))?");

  /** Whether {@code value} asks for PostgreSQL (so anything else is a bad value, not SQLite). */
  public static boolean isPostgres(String value) {
    return value.startsWith("postgresql:") || value.startsWith("postgres:");
  }

  /**
   * Parses {@code url}, completing the password from {@code env} and the password file.
   *
   * @param userHome where {@code .pgpass} is looked for without {@code PGPASSFILE}
   */
  public static PostgresUrl parse(String url, Map<String, String> env, Path userHome) {
    String origin = origin(env);
    Matcher m = URL.matcher(url.trim());
    if (!m.matches()) {
      throw GpuxException.invalidInput(
          origin + " is not a PostgreSQL URL: " + redact(url),
          "set it to postgresql://USER[:PASSWORD]@HOST:PORT/DATABASE, or unset it for the"
              + " local SQLite index");
    }
    String user = m.group(1) == null ? env.getOrDefault("PGUSER", "") : decode(m.group(1));
    if (user.isEmpty()) {
      throw GpuxException.invalidInput(
          origin + " names no user: " + redact(url),
          "write it as postgresql://USER@HOST:PORT/DATABASE (or set PGUSER)");
    }
    String host = m.group(3);
    int port = m.group(4) == null ? 5432 : Integer.parseInt(m.group(4));
    if (port < 1 || port > 65535) {
      throw GpuxException.invalidInput(
          origin + " has no valid port: " + redact(url), "ports are 1 to 65535 (default 5432)");
    }
    String database = decode(m.group(5));
    String password = m.group(2) == null ? null : decode(m.group(2));
    if (password == null) {
      password = env.get("PGPASSWORD");
    }
    if (password == null) {
      password = fromPassFile(env, userHome, host, port, database, user);
    }
    return new PostgresUrl(user, password, host, port, database, m.group(6), origin);
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  /** The password of the first matching line of the password file, if it may be used. */
  private static String fromPassFile(
      Map<String, String> env, Path userHome, String host, int port, String db, String user) {
    String named = env.get("PGPASSFILE");
    Path file = named == null || named.isBlank() ? userHome.resolve(".pgpass") : Path.of(named);
    if (!Files.isRegularFile(file)) {
      return null;
    }
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
      for (PosixFilePermission p : perms) {
        if (p.name().startsWith("GROUP") || p.name().startsWith("OTHERS")) {
          // libpq ignores such a file too: a password others can read is not a secret.
          throw GpuxException.invalidInput(
              "the password file " + file + " can be read by others than its owner",
              "chmod 600 " + file);
        }
      }
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] f = line.split("(?<!\\\\):", 5);
        if (f.length == 5
            && matches(f[0], host)
            && matches(f[1], String.valueOf(port))
            && matches(f[2], db)
            && matches(f[3], user)) {
          return f[4].replace("\\:", ":").replace("\\\\", "\\");
        }
      }
    } catch (IOException | UnsupportedOperationException e) {
      return null;
    }
    return null;
  }

  private static boolean matches(String field, String value) {
    return field.equals("*") || field.replace("\\:", ":").equals(value);
  }

  /** The JDBC URL, without user or password (they go as properties, never in a URL). */
  public String jdbcUrl() {
    return "jdbc:postgresql://"
        + host
        + ":"
        + port
        + "/"
        + java.net.URLEncoder.encode(database, StandardCharsets.UTF_8)
        + (query == null || query.isEmpty() ? "" : "?" + query);
  }

  /** The URL as messages show it: no password. */
  @Override
  public String toString() {
    return "postgresql://" + user + "@" + host + ":" + port + "/" + database;
  }

  /** {@code url} with any password cut out, for a message about a URL that did not parse. */
  static String redact(String url) {
    return url.replaceAll("(://[^:@/]*):[^@/]*@", "$1:***@");
  }
}
