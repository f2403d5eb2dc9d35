package io.gpux.store;

import io.gpux.ErrorCategory;
import io.gpux.GpuxException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The SQLite index of the store: what is searched and aggregated. Its schema comes from numbered
 * migrations ({@code V<n>__*.sql}) recorded in {@code schema_version}; the SQL is kept to what
 * PostgreSQL also accepts, so a team can later share one index.
 */
final class StoreIndex implements AutoCloseable {
  private static final String[] MIGRATIONS = {"V1__schema.sql"};

  private final Connection db;

  private StoreIndex(Connection db) {
    this.db = db;
  }

  static StoreIndex open(Path file) {
    try {
      Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
      try (Statement s = c.createStatement()) {
        // WAL lets a reader and a writer in two processes work at once; waits instead of failing.
        s.execute("PRAGMA journal_mode=WAL");
        s.execute("PRAGMA busy_timeout=10000");
      }
      StoreIndex index = new StoreIndex(c);
      index.migrate();
      return index;
    } catch (SQLException e) {
      throw error("open", e);
    }
  }

  int schemaVersion() {
    try (Statement s = db.createStatement();
        ResultSet r = s.executeQuery("SELECT MAX(version) FROM schema_version")) {
      return r.next() ? r.getInt(1) : 0;
    } catch (SQLException e) {
      throw error("read", e);
    }
  }

  private synchronized void migrate() throws SQLException {
    try (Statement s = db.createStatement()) {
      s.execute(
          "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)");
    }
    int current = schemaVersion();
    for (int v = current + 1; v <= MIGRATIONS.length; v++) {
      boolean auto = db.getAutoCommit();
      db.setAutoCommit(false);
      try (Statement s = db.createStatement()) {
        for (String statement : read(MIGRATIONS[v - 1]).split(";")) {
          String sql = statement.replaceAll("(?m)^--.*$", "").trim();
          if (!sql.isEmpty()) {
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
      } catch (SQLException e) {
        db.rollback();
        if (schemaVersion() >= v) {
          continue; // Another process applied it first.
        }
        throw e;
      } finally {
        db.setAutoCommit(auto);
      }
    }
  }

  private static String read(String resource) {
    try (InputStream in = StoreIndex.class.getResourceAsStream(resource)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException | NullPointerException e) {
      throw new IllegalStateException("missing migration " + resource, e);
    }
  }

  synchronized void index(VersionManifest m, String manifestPath) {
    try {
      db.setAutoCommit(false);
      exec(
          "INSERT INTO models (registry, name) SELECT ?, ? WHERE NOT EXISTS (SELECT 1 FROM models WHERE registry = ? AND name = ?)",
          m.registry(),
          m.name(),
          m.registry(),
          m.name());
      exec(
          "DELETE FROM versions WHERE registry = ? AND name = ? AND version = ?",
          m.registry(),
          m.name(),
          m.version());
      exec(
          "DELETE FROM version_files WHERE registry = ? AND name = ? AND version = ?",
          m.registry(),
          m.name(),
          m.version());
      exec(
          "INSERT INTO versions (registry, name, version, requested, pulled_at, source, size_bytes, manifest_path) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
          m.registry(),
          m.name(),
          m.version(),
          m.requested(),
          m.pulledAt().toString(),
          m.source(),
          m.sizeBytes(),
          manifestPath);
      for (ManifestFile f : m.files()) {
        exec(
            "INSERT INTO version_files (registry, name, version, path, sha256, size_bytes) VALUES (?, ?, ?, ?, ?, ?)",
            m.registry(),
            m.name(),
            m.version(),
            f.path(),
            f.sha256(),
            f.size());
      }
      db.commit();
    } catch (SQLException e) {
      rollback();
      throw error("write", e);
    } finally {
      autoCommit();
    }
  }

  synchronized void removeVersion(String registry, String name, String version) {
    try {
      db.setAutoCommit(false);
      exec(
          "DELETE FROM versions WHERE registry = ? AND name = ? AND version = ?",
          registry,
          name,
          version);
      exec(
          "DELETE FROM version_files WHERE registry = ? AND name = ? AND version = ?",
          registry,
          name,
          version);
      exec(
          "DELETE FROM tags WHERE registry = ? AND name = ? AND version = ?",
          registry,
          name,
          version);
      exec(
          "DELETE FROM models WHERE registry = ? AND name = ? AND NOT EXISTS (SELECT 1 FROM versions WHERE registry = ? AND name = ?)",
          registry,
          name,
          registry,
          name);
      db.commit();
    } catch (SQLException e) {
      rollback();
      throw error("write", e);
    } finally {
      autoCommit();
    }
  }

  synchronized void clear() {
    try (Statement s = db.createStatement()) {
      s.execute("DELETE FROM version_files");
      s.execute("DELETE FROM versions");
      s.execute("DELETE FROM models");
    } catch (SQLException e) {
      throw error("write", e);
    }
  }

  /** Manifest paths, newest pull first; {@code registry} and {@code name} may be null for all. */
  synchronized List<String> manifestPaths(String registry, String name) {
    String sql =
        "SELECT manifest_path FROM versions"
            + (registry == null ? "" : " WHERE registry = ? AND name = ?")
            + " ORDER BY registry, name, pulled_at DESC, version";
    try (PreparedStatement p = db.prepareStatement(sql)) {
      if (registry != null) {
        p.setString(1, registry);
        p.setString(2, name);
      }
      List<String> out = new ArrayList<>();
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          out.add(r.getString(1));
        }
      }
      return out;
    } catch (SQLException e) {
      throw error("read", e);
    }
  }

  synchronized void tag(String registry, String name, String tag, String version, Instant now) {
    try {
      db.setAutoCommit(false);
      String previous = tagged(registry, name, tag).orElse(null);
      if (version.equals(previous)) {
        db.commit();
        return;
      }
      exec("DELETE FROM tags WHERE registry = ? AND name = ? AND tag = ?", registry, name, tag);
      exec(
          "INSERT INTO tags (registry, name, tag, version, updated_at) VALUES (?, ?, ?, ?, ?)",
          registry,
          name,
          tag,
          version,
          now.toString());
      exec(
          "INSERT INTO tag_history (registry, name, tag, version, moved_at, previous_version) VALUES (?, ?, ?, ?, ?, ?)",
          registry,
          name,
          tag,
          version,
          now.toString(),
          previous);
      db.commit();
    } catch (SQLException e) {
      rollback();
      throw error("write", e);
    } finally {
      autoCommit();
    }
  }

  synchronized Optional<String> tagged(String registry, String name, String tag) {
    try (PreparedStatement p =
        db.prepareStatement(
            "SELECT version FROM tags WHERE registry = ? AND name = ? AND tag = ?")) {
      p.setString(1, registry);
      p.setString(2, name);
      p.setString(3, tag);
      try (ResultSet r = p.executeQuery()) {
        return r.next() ? Optional.of(r.getString(1)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw error("read", e);
    }
  }

  synchronized List<String> tagsOf(String registry, String name, String version) {
    try (PreparedStatement p =
        db.prepareStatement(
            "SELECT tag FROM tags WHERE registry = ? AND name = ? AND version = ? ORDER BY tag")) {
      p.setString(1, registry);
      p.setString(2, name);
      p.setString(3, version);
      List<String> out = new ArrayList<>();
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          out.add(r.getString(1));
        }
      }
      return out;
    } catch (SQLException e) {
      throw error("read", e);
    }
  }

  /** Every move of a tag, oldest first: {@code [version, moved_at, previous]}. */
  synchronized List<String[]> tagHistory(String registry, String name, String tag) {
    try (PreparedStatement p =
        db.prepareStatement(
            "SELECT version, moved_at, previous_version FROM tag_history WHERE registry = ? AND name = ? AND tag = ? ORDER BY moved_at")) {
      p.setString(1, registry);
      p.setString(2, name);
      p.setString(3, tag);
      List<String[]> out = new ArrayList<>();
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          out.add(new String[] {r.getString(1), r.getString(2), r.getString(3)});
        }
      }
      return out;
    } catch (SQLException e) {
      throw error("read", e);
    }
  }

  private void exec(String sql, Object... args) throws SQLException {
    try (PreparedStatement p = db.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        p.setObject(i + 1, args[i]);
      }
      p.executeUpdate();
    }
  }

  private void rollback() {
    try {
      db.rollback();
    } catch (SQLException ignored) {
      // The failure being reported matters more.
    }
  }

  private void autoCommit() {
    try {
      db.setAutoCommit(true);
    } catch (SQLException ignored) {
      // Next use reports it.
    }
  }

  private static GpuxException error(String what, SQLException e) {
    return new GpuxException(
        ErrorCategory.UNAVAILABLE,
        "cannot " + what + " the store index: " + e.getMessage(),
        "if index.db is damaged, delete it: GPUX rebuilds it from the manifests (tags are lost)",
        e);
  }

  @Override
  public synchronized void close() {
    try {
      db.close();
    } catch (SQLException ignored) {
      // Closing at exit.
    }
  }
}
