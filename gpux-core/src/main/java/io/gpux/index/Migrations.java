package io.gpux.index;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;

/**
 * The index schema as numbered migrations (public for the schema's own tests), {@code
 * V<n>__<what>.sql} beside this class, applied in order and recorded in {@code schema_version}. A
 * migration, once released, never changes: a change is a new migration. The SQL stays within what
 * SQLite and PostgreSQL both accept (statements are split on {@code ;}, after whole-line {@code --}
 * comments are dropped, so no statement may contain one in a literal).
 *
 * <p>Numbers may have gaps (branches developed side by side each took a number), and a migration is
 * applied when its number is not yet recorded, not only when it is above the highest: a database
 * that got V6 first still gets V5 when a later GPUX brings it. A database recorded at a number
 * above every migration known here was written by a newer GPUX and is refused with a clear message,
 * rather than used with tables this one does not know.
 */
public final class Migrations {
  public static final String[] FILES = {
    "V1__schema.sql",
    "V2__tag_history_key.sql",
    "V3__version_history.sql",
    "V4__benchmarks.sql",
    "V5__search_cache.sql",
    "V6__monitor_history.sql",
    "V7__recommend_latency.sql",
    "V8__collections_workspaces.sql",
    "V9__benchmark_key_history_indexes.sql",
    "V10__workspace_monitoring.sql",
    "V11__workspace_versions.sql",
    "V12__store_versions.sql"
  };

  /** The highest migration number known to this GPUX: the schema version of an up-to-date index. */
  public static final int LATEST = number(FILES[FILES.length - 1]);

  /** The number of {@code V<n>__what.sql}. */
  public static int number(String file) {
    return Integer.parseInt(file.substring(1, file.indexOf("__")));
  }

  /**
   * The first schema whose rows must be rewritten from the manifests: V2 stores timestamps in a
   * fixed width so that they sort as text.
   */
  public static final int REINDEX_BEFORE = 2;

  private Migrations() {}

  /** Applies what is missing; returns the version the database had before (0 when new). */
  static int apply(Connection db) throws SQLException {
    try (Statement s = db.createStatement()) {
      s.execute(
          "CREATE TABLE IF NOT EXISTS schema_version"
              + " (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)");
    }
    int before = current(db);
    if (before > LATEST) {
      throw new io.gpux.error.GpuxException(
          io.gpux.error.ErrorCategory.UNAVAILABLE,
          "the store index was written by a newer GPUX (schema "
              + before
              + "; this GPUX knows up to "
              + LATEST
              + ")",
          "upgrade GPUX, or point GPUX_HOME at another folder",
          null);
    }
    boolean auto = db.getAutoCommit();
    db.setAutoCommit(false);
    try {
      for (String file : FILES) {
        int v = number(file);
        // Re-read inside the write transaction: another process may have migrated meanwhile.
        if (applied(db, v)) {
          db.commit();
          continue;
        }
        try (Statement s = db.createStatement()) {
          for (String sql : statements(file)) {
            s.execute(sql);
          }
        }
        try (PreparedStatement p =
            db.prepareStatement("INSERT INTO schema_version (version, applied_at) VALUES (?, ?)")) {
          p.setInt(1, v);
          p.setString(2, Instant.now().toString());
          p.executeUpdate();
        }
        db.commit();
      }
    } catch (SQLException | RuntimeException e) {
      db.rollback();
      throw e;
    } finally {
      db.setAutoCommit(auto);
    }
    return before;
  }

  /** The statements of a migration file, in order, without comments. */
  public static java.util.List<String> statements(String file) {
    // Comments go before the split: a comment may hold a ';' in its prose.
    String script = read(file).replaceAll("(?m)^\\s*--.*$", "");
    java.util.List<String> out = new java.util.ArrayList<>();
    for (String statement : script.split(";")) {
      if (!statement.isBlank()) {
        out.add(statement.trim());
      }
    }
    return out;
  }

  private static boolean applied(Connection db, int version) throws SQLException {
    try (PreparedStatement p =
        db.prepareStatement("SELECT COUNT(*) FROM schema_version WHERE version = ?")) {
      p.setInt(1, version);
      try (ResultSet r = p.executeQuery()) {
        return r.next() && r.getInt(1) > 0;
      }
    }
  }

  public static int current(Connection db) throws SQLException {
    try (Statement s = db.createStatement();
        ResultSet r = s.executeQuery("SELECT MAX(version) FROM schema_version")) {
      return r.next() ? r.getInt(1) : 0;
    }
  }

  public static String read(String file) {
    try (InputStream in = Migrations.class.getResourceAsStream(file)) {
      if (in == null) {
        throw new IllegalStateException("missing migration " + file);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read migration " + file, e);
    }
  }
}
