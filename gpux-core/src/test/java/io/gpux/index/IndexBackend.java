package io.gpux.index;

import io.gpux.testing.Postgres;
import java.nio.file.Path;
import java.util.Map;

/**
 * The two databases an index can live in, for the contract tests that run on both: SQLite in a
 * temporary folder, and a real PostgreSQL (the shared {@link Postgres} server, a fresh database per
 * test).
 */
enum IndexBackend {
  SQLITE,
  POSTGRES;

  /** A new, empty index: {@link Target#open()} opens it, again and again. */
  Target fresh(Path dir) throws Exception {
    if (this == SQLITE) {
      Path file = dir.resolve("index.db");
      return new Target(file, Map.of());
    }
    Postgres pg = Postgres.shared();
    String db = pg.newDatabase();
    return new Target(dir.resolve("unused-index.db"), Map.of("GPUX_INDEX_URL", pg.url(db)), pg, db);
  }

  /**
   * One index: its SQLite file, or the environment naming its PostgreSQL database.
   *
   * @param env what the store and history are opened with
   */
  record Target(Path file, Map<String, String> env, Postgres server, String database) {
    Target(Path file, Map<String, String> env) {
      this(file, env, null, null);
    }

    IndexDatabase open() {
      return IndexDatabase.open(file, env);
    }

    /** Runs SQL behind GPUX's back (psql, or sqlite's JDBC connection). */
    String sql(String statement) throws Exception {
      if (server != null) {
        return server.psql(database, statement);
      }
      try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + file);
          java.sql.Statement s = c.createStatement()) {
        s.execute(statement);
        return "";
      }
    }
  }
}
