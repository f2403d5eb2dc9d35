package io.gpux.store;

import io.gpux.ErrorCategory;
import io.gpux.GpuxException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The index database: what is searched and aggregated. It can always be rebuilt from the manifests
 * except for tags, which live only here (a rebuild after a loss recovers each pull's own tag from
 * the manifests' {@code requested}). Statements stay within SQL that PostgreSQL also accepts.
 *
 * <p>One connection, used under this object's lock. Transactions take the write lock when they
 * begin ({@code BEGIN IMMEDIATE}), so two processes wait for each other (busy timeout) instead of
 * failing when both upgrade a read to a write.
 */
final class StoreIndex implements AutoCloseable {
  /** Fixed width, so that text order is time order (ISO-8601 with a variable fraction is not). */
  private static final DateTimeFormatter TIME =
      new DateTimeFormatterBuilder()
          .appendPattern("uuuu-MM-dd'T'HH:mm:ss")
          .appendFraction(ChronoField.NANO_OF_SECOND, 9, 9, true)
          .appendLiteral('Z')
          .toFormatter()
          .withZone(ZoneOffset.UTC);

  private final Connection db;
  private final Opened opened;

  /**
   * How the database was found.
   *
   * @param lost it was missing or damaged and is new: versions and tags must be recovered
   * @param stale its rows predate the current schema and must be rewritten from the manifests
   */
  record Opened(boolean lost, boolean stale) {}

  private StoreIndex(Connection db, Opened opened) {
    this.db = db;
    this.opened = opened;
  }

  static StoreIndex open(Path file) {
    boolean existed = Files.exists(file);
    try {
      return connect(file, existed);
    } catch (SQLException e) {
      if (!isDamaged(e)) {
        throw error("open", e);
      }
    }
    // The file is not a database (or a damaged one): keep it for a post-mortem, start afresh.
    String aside = file.getFileName() + ".damaged-" + System.currentTimeMillis();
    try {
      for (String suffix : new String[] {"", "-wal", "-shm"}) {
        Path p = file.resolveSibling(file.getFileName() + suffix);
        if (Files.exists(p)) {
          Files.move(p, file.resolveSibling(aside + suffix), StandardCopyOption.REPLACE_EXISTING);
        }
      }
      return connect(file, false);
    } catch (IOException | SQLException e) {
      throw new GpuxException(
          ErrorCategory.UNAVAILABLE,
          "the store index " + file + " is damaged and cannot be replaced: " + e.getMessage(),
          "delete it; GPUX rebuilds it from the manifests",
          e);
    }
  }

  private static StoreIndex connect(Path file, boolean existed) throws SQLException {
    Properties p = new Properties();
    p.setProperty("busy_timeout", "30000");
    // WAL: readers never block the writer, and two processes can share the file.
    p.setProperty("journal_mode", "WAL");
    // With WAL, NORMAL survives a process crash; a power cut may lose the last commits, which the
    // manifests (written durably first) let a rebuild recover.
    p.setProperty("synchronous", "NORMAL");
    p.setProperty("transaction_mode", "IMMEDIATE");
    Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath(), p);
    try {
      int before = Migrations.apply(c);
      return new StoreIndex(
          c, new Opened(!existed || before == 0, before > 0 && before < Migrations.REINDEX_BEFORE));
    } catch (SQLException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  private static boolean isDamaged(SQLException e) {
    String m = String.valueOf(e.getMessage());
    return m.contains("SQLITE_NOTADB") || m.contains("SQLITE_CORRUPT");
  }

  Opened opened() {
    return opened;
  }

  synchronized int schemaVersion() {
    try {
      return Migrations.current(db);
    } catch (SQLException e) {
      throw error("read", e);
    }
  }

  static String time(Instant t) {
    return TIME.format(t);
  }

  synchronized void index(VersionManifest m, String manifestPath) {
    inTransaction(() -> insert(m, manifestPath));
  }

  private void insert(VersionManifest m, String manifestPath) throws SQLException {
    exec(
        "INSERT INTO models (registry, name) VALUES (?, ?) ON CONFLICT DO NOTHING",
        m.registry(),
        m.name());
    deleteVersionRows(m.registry(), m.name(), m.version());
    exec(
        "INSERT INTO versions (registry, name, version, requested, pulled_at, source, size_bytes,"
            + " manifest_path) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        m.registry(),
        m.name(),
        m.version(),
        m.requested(),
        time(m.pulledAt()),
        m.source(),
        m.sizeBytes(),
        manifestPath);
    for (ManifestFile f : m.files()) {
      exec(
          "INSERT INTO version_files (registry, name, version, path, sha256, size_bytes)"
              + " VALUES (?, ?, ?, ?, ?, ?)",
          m.registry(),
          m.name(),
          m.version(),
          f.path(),
          f.sha256(),
          f.size());
    }
  }

  private void deleteVersionRows(String registry, String name, String version) throws SQLException {
    for (String table : new String[] {"versions", "version_files"}) {
      exec(
          "DELETE FROM " + table + " WHERE registry = ? AND name = ? AND version = ?",
          registry,
          name,
          version);
    }
  }

  synchronized boolean contains(String registry, String name, String version) {
    return !strings(
            "SELECT version FROM versions WHERE registry = ? AND name = ? AND version = ?",
            registry,
            name,
            version)
        .isEmpty();
  }

  /** Drops a version, the tags pointing at it, and its model once no version is left. */
  synchronized void removeVersion(String registry, String name, String version) {
    inTransaction(
        () -> {
          deleteVersionRows(registry, name, version);
          exec(
              "DELETE FROM tags WHERE registry = ? AND name = ? AND version = ?",
              registry,
              name,
              version);
          exec(
              "DELETE FROM models WHERE registry = ? AND name = ? AND NOT EXISTS"
                  + " (SELECT 1 FROM versions WHERE registry = ? AND name = ?)",
              registry,
              name,
              registry,
              name);
        });
  }

  /**
   * Makes the version rows say exactly what {@code manifests} say, in one transaction, so that a
   * reader never sees a half-built index. Tags pointing at versions that are gone are dropped.
   *
   * @param manifests each manifest by its path relative to the store's home
   * @param recoverTags whether to point each {@code requested} name that has no tag at the newest
   *     version pulled with it (after the index was lost)
   */
  synchronized void replaceAll(
      Map<String, VersionManifest> manifests, boolean recoverTags, Instant now) {
    inTransaction(
        () -> {
          try (Statement s = db.createStatement()) {
            s.execute("DELETE FROM version_files");
            s.execute("DELETE FROM versions");
            s.execute("DELETE FROM models");
          }
          for (Map.Entry<String, VersionManifest> e : manifests.entrySet()) {
            insert(e.getValue(), e.getKey());
          }
          exec(
              "DELETE FROM tags WHERE NOT EXISTS (SELECT 1 FROM versions v WHERE"
                  + " v.registry = tags.registry AND v.name = tags.name"
                  + " AND v.version = tags.version)");
          if (recoverTags) {
            recoverTags(manifests.values(), now);
          }
        });
  }

  private void recoverTags(Collection<VersionManifest> manifests, Instant now) throws SQLException {
    Map<List<String>, VersionManifest> newest = new LinkedHashMap<>();
    manifests.stream()
        .filter(m -> m.requested() != null && !m.requested().equals(m.version()))
        .sorted(Comparator.comparing(VersionManifest::pulledAt))
        .forEach(m -> newest.put(List.of(m.registry(), m.name(), m.requested()), m));
    for (VersionManifest m : newest.values()) {
      if (taggedVersion(m.registry(), m.name(), m.requested()).isEmpty()) {
        moveTag(m.registry(), m.name(), m.requested(), m.version(), now);
      }
    }
  }

  /**
   * Manifest paths of one model's versions, or of all ({@code registry} null), grouped by model,
   * newest pull first.
   */
  synchronized List<String> manifestPaths(String registry, String name) {
    String where = registry == null ? "" : " WHERE registry = ? AND name = ?";
    String sql =
        "SELECT manifest_path FROM versions"
            + where
            + " ORDER BY registry, name, pulled_at DESC, version";
    return registry == null ? strings(sql) : strings(sql, registry, name);
  }

  /** The versions of one model in the index. */
  synchronized List<String> versions(String registry, String name) {
    return strings(
        "SELECT version FROM versions WHERE registry = ? AND name = ? ORDER BY pulled_at DESC",
        registry,
        name);
  }

  synchronized void tag(String registry, String name, String tag, String version, Instant now) {
    inTransaction(() -> moveTag(registry, name, tag, version, now));
  }

  private void moveTag(String registry, String name, String tag, String version, Instant now)
      throws SQLException {
    String previous = taggedVersion(registry, name, tag).orElse(null);
    if (version.equals(previous)) {
      return;
    }
    exec("DELETE FROM tags WHERE registry = ? AND name = ? AND tag = ?", registry, name, tag);
    exec(
        "INSERT INTO tags (registry, name, tag, version, updated_at) VALUES (?, ?, ?, ?, ?)",
        registry,
        name,
        tag,
        version,
        time(now));
    exec(
        "INSERT INTO tag_history (registry, name, tag, seq, version, moved_at, previous_version)"
            + " SELECT ?, ?, ?, COALESCE(MAX(seq), 0) + 1, ?, ?, ? FROM tag_history"
            + " WHERE registry = ? AND name = ? AND tag = ?",
        registry,
        name,
        tag,
        version,
        time(now),
        previous,
        registry,
        name,
        tag);
  }

  synchronized Optional<String> tagged(String registry, String name, String tag) {
    return taggedVersion(registry, name, tag);
  }

  private Optional<String> taggedVersion(String registry, String name, String tag) {
    return strings(
            "SELECT version FROM tags WHERE registry = ? AND name = ? AND tag = ?",
            registry,
            name,
            tag)
        .stream()
        .findFirst();
  }

  synchronized List<String> tagsOf(String registry, String name, String version) {
    return strings(
        "SELECT tag FROM tags WHERE registry = ? AND name = ? AND version = ? ORDER BY tag",
        registry,
        name,
        version);
  }

  /** Every move of a tag, oldest first. */
  synchronized List<TagMove> tagHistory(String registry, String name, String tag) {
    String sql =
        "SELECT version, previous_version, moved_at FROM tag_history"
            + " WHERE registry = ? AND name = ? AND tag = ? ORDER BY seq";
    try (PreparedStatement p = prepare(sql, registry, name, tag);
        ResultSet r = p.executeQuery()) {
      List<TagMove> out = new ArrayList<>();
      while (r.next()) {
        out.add(new TagMove(tag, r.getString(1), r.getString(2), Instant.parse(r.getString(3))));
      }
      return out;
    } catch (SQLException e) {
      throw error("read", e);
    }
  }

  private List<String> strings(String sql, Object... args) {
    try (PreparedStatement p = prepare(sql, args);
        ResultSet r = p.executeQuery()) {
      List<String> out = new ArrayList<>();
      while (r.next()) {
        out.add(r.getString(1));
      }
      return out;
    } catch (SQLException e) {
      throw error("read", e);
    }
  }

  private PreparedStatement prepare(String sql, Object... args) throws SQLException {
    PreparedStatement p = db.prepareStatement(sql);
    for (int i = 0; i < args.length; i++) {
      p.setObject(i + 1, args[i]);
    }
    return p;
  }

  private void exec(String sql, Object... args) throws SQLException {
    try (PreparedStatement p = prepare(sql, args)) {
      p.executeUpdate();
    }
  }

  private interface Work {
    void run() throws SQLException;
  }

  private void inTransaction(Work work) {
    try {
      db.setAutoCommit(false);
      try {
        work.run();
        db.commit();
      } catch (SQLException | RuntimeException e) {
        db.rollback();
        throw e;
      } finally {
        db.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw error("write", e);
    }
  }

  private static GpuxException error(String what, SQLException e) {
    return new GpuxException(
        ErrorCategory.UNAVAILABLE,
        "cannot " + what + " the store index: " + e.getMessage(),
        "if index.db is damaged, delete it: GPUX rebuilds it from the manifests",
        e);
  }

  @Override
  public synchronized void close() {
    try {
      db.close();
    } catch (SQLException ignored) {
      // Nothing is pending: every write committed or rolled back.
    }
  }
}
