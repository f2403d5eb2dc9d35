package io.gpux.index;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * What differs between the two databases an index can live in. The schema, the migrations and every
 * query are the same SQL; only how a writer excludes the other writers differs, because SQLite has
 * {@code BEGIN IMMEDIATE} (one write lock on the file) and PostgreSQL has no such mode: there a
 * transaction-scoped advisory lock plays the file lock's part. With it both databases run one write
 * transaction at a time, which keeps the table classes' read-then-write steps (a tag's previous
 * version, its history's next number) correct without a retry loop; writes to an index are small
 * and rare, so serialising them costs little (bench/index.sh measures it).
 */
public enum Dialect {
  /** The default: a file under {@code GPUX_HOME}; {@code transaction_mode=IMMEDIATE} locks. */
  SQLITE {
    @Override
    int migrate(Connection db) throws SQLException {
      return Migrations.apply(db);
    }

    @Override
    void beginWrite(Connection db) {
      // The connection's transaction_mode=IMMEDIATE takes the file's write lock at BEGIN.
    }
  },

  /** A team-shared database ({@code GPUX_INDEX_URL=postgresql://...}). */
  POSTGRES {
    @Override
    int migrate(Connection db) throws SQLException {
      // A session lock around the whole run: two machines opening a new database at once would
      // otherwise race on CREATE TABLE (PostgreSQL's IF NOT EXISTS is not safe concurrently).
      exec(db, "SELECT pg_advisory_lock(" + WRITE_LOCK + ")");
      try {
        return Migrations.apply(db);
      } finally {
        exec(db, "SELECT pg_advisory_unlock(" + WRITE_LOCK + ")");
      }
    }

    @Override
    void beginWrite(Connection db) throws SQLException {
      exec(db, "SELECT pg_advisory_xact_lock(" + WRITE_LOCK + ")"); // released at commit/rollback
    }
  };

  /** The advisory lock's key ("gpux" in ASCII); advisory locks are per database. */
  static final long WRITE_LOCK = 0x67707578L;

  /** Applies the migrations the database lacks; returns its version before (0: new). */
  abstract int migrate(Connection db) throws SQLException;

  /** Called first in each write transaction (auto-commit off): excludes the other writers. */
  abstract void beginWrite(Connection db) throws SQLException;

  private static void exec(Connection db, String sql) throws SQLException {
    try (Statement s = db.createStatement()) {
      s.execute(sql);
    }
  }
}
