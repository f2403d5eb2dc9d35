package io.gpux.index;

import io.gpux.error.ErrorCategory;
import io.gpux.error.GpuxException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * The index database: one JDBC connection, the schema's migrations applied on open, and the
 * transactions and queries the table classes ({@link VersionTables}, {@link TagTables}) run on it.
 * The SQL stays within what SQLite and PostgreSQL both accept, so a team's shared index can later
 * be a PostgreSQL database behind the same classes; today it is an SQLite file.
 *
 * <p>Everything runs under this object's lock. Transactions take the write lock when they begin
 * ({@code BEGIN IMMEDIATE} on SQLite), so two processes wait for each other (busy timeout) instead
 * of failing when both upgrade a read to a write.
 */
public final class IndexDatabase implements AutoCloseable {
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
   * @param lost it was missing or damaged and is new: what it held must be recovered
   * @param stale its rows predate the current schema and must be rewritten
   */
  public record Opened(boolean lost, boolean stale) {}

  private IndexDatabase(Connection db, Opened opened) {
    this.db = db;
    this.opened = opened;
  }

  /**
   * Opens (or creates) the SQLite index at {@code file}. A file that is not a database, or a
   * damaged one, is moved aside for a post-mortem and a new one is started.
   */
  public static IndexDatabase openSqlite(Path file) {
    boolean existed = Files.exists(file);
    try {
      return connect(file, existed);
    } catch (SQLException e) {
      if (!isDamaged(e)) {
        throw error("open", e);
      }
    }
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

  private static IndexDatabase connect(Path file, boolean existed) throws SQLException {
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
      return new IndexDatabase(
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

  public Opened opened() {
    return opened;
  }

  public synchronized int schemaVersion() {
    try {
      return Migrations.current(db);
    } catch (SQLException e) {
      throw error("read", e);
    }
  }

  /** A time as the index stores it: fixed-width UTC text, which sorts as time. */
  public static String time(Instant t) {
    return TIME.format(t);
  }

  /** Work inside one transaction. */
  public interface Work {
    void run() throws SQLException;
  }

  /** Runs {@code work} in one transaction: all of it commits, or none. Transactions may nest. */
  public synchronized void transaction(Work work) {
    try {
      if (!db.getAutoCommit()) {
        work.run(); // already inside one
        return;
      }
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

  /** A row mapper for {@link #query}. */
  public interface Row<T> {
    T map(ResultSet r) throws SQLException;
  }

  /** The rows of a query, mapped. */
  public synchronized <T> List<T> query(String sql, Row<T> row, Object... args) {
    try (PreparedStatement p = prepare(sql, args);
        ResultSet r = p.executeQuery()) {
      List<T> out = new ArrayList<>();
      while (r.next()) {
        out.add(row.map(r));
      }
      return out;
    } catch (SQLException e) {
      throw error("read", e);
    }
  }

  /** The first column of a query's rows, as text. */
  public List<String> strings(String sql, Object... args) {
    return query(sql, r -> r.getString(1), args);
  }

  /** Runs one statement; call it inside {@link #transaction} when it belongs with others. */
  public synchronized void exec(String sql, Object... args) throws SQLException {
    try (PreparedStatement p = prepare(sql, args)) {
      p.executeUpdate();
    }
  }

  private PreparedStatement prepare(String sql, Object... args) throws SQLException {
    PreparedStatement p = db.prepareStatement(sql);
    for (int i = 0; i < args.length; i++) {
      p.setObject(i + 1, args[i]);
    }
    return p;
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
