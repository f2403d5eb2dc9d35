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
 * SQLite and PostgreSQL both accept (statements are split on {@code ;}, so none may contain one in
 * a literal).
 */
public final class Migrations {
  public static final String[] FILES = {
    "V1__schema.sql",
    "V2__tag_history_key.sql",
    "V3__version_history.sql",
    "V4__benchmarks.sql",
    "V5__search_cache.sql"
  };

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
    boolean auto = db.getAutoCommit();
    db.setAutoCommit(false);
    try {
      for (int v = before + 1; v <= FILES.length; v++) {
        // Re-read inside the write transaction: another process may have migrated meanwhile.
        if (current(db) >= v) {
          db.commit();
          continue;
        }
        try (Statement s = db.createStatement()) {
          for (String statement : read(FILES[v - 1]).split(";")) {
            String sql = statement.replaceAll("(?m)^\\s*--.*$", "").trim();
            if (!sql.isEmpty()) {
              s.execute(sql);
            }
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
