package io.gpux.index;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
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
import java.util.Map;
import java.util.Properties;

/**
 * The index database: the schema's migrations applied on open, and the transactions and queries the
 * table classes ({@link VersionTables}, {@link TagTables}) run on it. By default an SQLite file
 * under {@code GPUX_HOME} on one JDBC connection; with {@code GPUX_INDEX_URL=postgresql://...} a
 * team-shared PostgreSQL database behind a small HikariCP pool. The SQL is the same for both (see
 * {@link Migrations}); what differs is how a writer excludes the others, isolated in {@link
 * Dialect}.
 *
 * <p>Everything runs under this object's lock. Write transactions exclude every other writer when
 * they begin ({@code BEGIN IMMEDIATE} on SQLite, a transaction-scoped advisory lock on PostgreSQL),
 * so two processes wait for each other instead of failing when both upgrade a read to a write: the
 * read-then-write code of the table classes (a tag's move and its history's next number) is then
 * correct on both without retries. Readers are never blocked.
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

  /** The one connection of an SQLite index; null on PostgreSQL. */
  private final Connection sqlite;

  /** The pool of a PostgreSQL index; null on SQLite. */
  private final HikariDataSource pool;

  private final Dialect dialect;
  private final Opened opened;

  /** The connection of the transaction in progress, if one is. */
  private Connection inTransaction;

  /**
   * How the database was found.
   *
   * @param lost it was missing or damaged and is new: what it held must be recovered
   * @param stale its rows predate the current schema and must be rewritten
   */
  public record Opened(boolean lost, boolean stale) {}

  private IndexDatabase(Connection sqlite, HikariDataSource pool, Opened opened) {
    this.sqlite = sqlite;
    this.pool = pool;
    this.dialect = pool == null ? Dialect.SQLITE : Dialect.POSTGRES;
    this.opened = opened;
  }

  /**
   * Opens the index that {@code env} asks for: PostgreSQL when {@code GPUX_INDEX_URL} is set (never
   * falling back to SQLite when it cannot be reached: a team would split its data silently), else
   * the SQLite file {@code sqliteFile}.
   */
  public static IndexDatabase open(Path sqliteFile, Map<String, String> env) {
    String url = env.getOrDefault(PostgresUrl.VARIABLE, "").trim();
    if (url.isEmpty()) {
      return openSqlite(sqliteFile);
    }
    if (!PostgresUrl.isPostgres(url)) {
      throw GpuxException.invalidInput(
          PostgresUrl.origin(env) + " is not a PostgreSQL URL: " + PostgresUrl.redact(url),
          "set it to postgresql://USER[:PASSWORD]@HOST:PORT/DATABASE, or unset it for the"
              + " local SQLite index");
    }
    return openPostgres(PostgresUrl.parse(url, env, Path.of(System.getProperty("user.home", "/"))));
  }

  /**
   * Opens the PostgreSQL index at {@code url}, applying the migrations it lacks. An unreachable
   * server, or one that refuses the login, is an error naming {@code GPUX_INDEX_URL} (exit 3).
   */
  public static IndexDatabase openPostgres(PostgresUrl url) {
    HikariConfig c = new HikariConfig();
    c.setJdbcUrl(url.jdbcUrl());
    c.setUsername(url.user());
    if (url.password() != null) {
      c.setPassword(url.password());
    }
    c.setPoolName("gpux-index");
    // A command needs one connection at a time (this object's lock); two let a reader overlap
    // the next transaction's connection being validated. Idle ones close: a CLI process is short.
    c.setMaximumPoolSize(2);
    c.setMinimumIdle(0);
    c.setConnectionTimeout(10_000);
    // Fail on the first try: a server that is down is an error now, not after retries.
    c.setInitializationFailTimeout(1);
    c.addDataSourceProperty("connectTimeout", "5");
    c.addDataSourceProperty("ApplicationName", "gpux");
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(c);
    } catch (RuntimeException e) {
      throw unreachable(url, e);
    }
    try (Connection db = pool.getConnection()) {
      int before = Dialect.POSTGRES.migrate(db);
      return new IndexDatabase(
          null, pool, new Opened(before == 0, before > 0 && before < Migrations.REINDEX_BEFORE));
    } catch (SQLException e) {
      pool.close();
      throw unreachable(url, e);
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
  }

  private static GpuxException unreachable(PostgresUrl url, Exception e) {
    Throwable cause = e;
    while (cause.getCause() != null && !(cause instanceof SQLException)) {
      cause = cause.getCause();
    }
    String why = String.valueOf(cause.getMessage());
    if (url.password() != null && !url.password().isEmpty()) {
      why = why.replace(url.password(), "***"); // never echo a secret, whatever the driver says
    }
    return new GpuxException(
        ErrorCategory.UNAVAILABLE,
        "cannot reach the index database " + url + " named by " + url.origin() + ": " + why,
        "start PostgreSQL or fix "
            + url.origin()
            + " (user, host, port, database; password in it, PGPASSWORD or ~/.pgpass); GPUX does"
            + " not fall back to the local index",
        e);
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
        throw error("open", e, Dialect.SQLITE);
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
      int before = Dialect.SQLITE.migrate(c);
      return new IndexDatabase(
          c,
          null,
          new Opened(!existed || before == 0, before > 0 && before < Migrations.REINDEX_BEFORE));
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
    Connection c = null;
    try {
      c = borrow();
      return Migrations.current(c);
    } catch (SQLException e) {
      throw error("read", e);
    } finally {
      giveBack(c);
    }
  }

  /** Which database this is. */
  public Dialect dialect() {
    return dialect;
  }

  /** The connection to use now: the transaction's, SQLite's only one, or one from the pool. */
  private Connection borrow() throws SQLException {
    if (inTransaction != null) {
      return inTransaction;
    }
    return sqlite != null ? sqlite : pool.getConnection();
  }

  private void giveBack(Connection c) {
    if (c == null || c == inTransaction || c == sqlite) {
      return;
    }
    try {
      c.close(); // back to the pool
    } catch (SQLException ignored) {
      // The pool drops a broken connection itself.
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
    if (inTransaction != null) {
      try {
        work.run(); // already inside one
        return;
      } catch (SQLException e) {
        throw error("write", e);
      }
    }
    Connection c = null;
    try {
      c = borrow();
      c.setAutoCommit(false);
      inTransaction = c;
      try {
        dialect.beginWrite(c);
        work.run();
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        inTransaction = null;
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw error("write", e);
    } finally {
      giveBack(c);
    }
  }

  /** A row mapper for {@link #query}. */
  public interface Row<T> {
    T map(ResultSet r) throws SQLException;
  }

  /** The rows of a query, mapped. */
  public synchronized <T> List<T> query(String sql, Row<T> row, Object... args) {
    Connection c = null;
    try {
      c = borrow();
      try (PreparedStatement p = prepare(c, sql, args);
          ResultSet r = p.executeQuery()) {
        List<T> out = new ArrayList<>();
        while (r.next()) {
          out.add(row.map(r));
        }
        return out;
      }
    } catch (SQLException e) {
      throw error("read", e);
    } finally {
      giveBack(c);
    }
  }

  /** The first column of a query's rows, as text. */
  public List<String> strings(String sql, Object... args) {
    return query(sql, r -> r.getString(1), args);
  }

  /** Runs one statement; call it inside {@link #transaction} when it belongs with others. */
  public synchronized void exec(String sql, Object... args) throws SQLException {
    Connection c = borrow();
    try (PreparedStatement p = prepare(c, sql, args)) {
      p.executeUpdate();
    } finally {
      giveBack(c);
    }
  }

  private static PreparedStatement prepare(Connection c, String sql, Object... args)
      throws SQLException {
    PreparedStatement p = c.prepareStatement(sql);
    for (int i = 0; i < args.length; i++) {
      p.setObject(i + 1, args[i]);
    }
    return p;
  }

  private GpuxException error(String what, SQLException e) {
    return error(what, e, dialect);
  }

  private static GpuxException error(String what, SQLException e, Dialect dialect) {
    return new GpuxException(
        ErrorCategory.UNAVAILABLE,
        "cannot " + what + " the store index: " + e.getMessage(),
        dialect == Dialect.SQLITE
            ? "if index.db is damaged, delete it: GPUX rebuilds it from the manifests"
            : "check the PostgreSQL server named by " + PostgresUrl.VARIABLE,
        e);
  }

  @Override
  public synchronized void close() {
    if (pool != null) {
      pool.close();
      return;
    }
    try {
      sqlite.close();
    } catch (SQLException ignored) {
      // Nothing is pending: every write committed or rolled back.
    }
  }
}
