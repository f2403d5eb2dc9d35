package io.gpux.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gpux.error.ErrorCategory;
import io.gpux.error.GpuxException;
import io.gpux.testing.Postgres;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What only a PostgreSQL index has: its URL and where the password comes from, a server that cannot
 * be reached (an error naming GPUX_INDEX_URL, never a fallback to SQLite), and writers on separate
 * connections that stay consistent.
 */
class PostgresIndexTest {
  @TempDir Path dir;

  @Test
  void theUrlParsesAndThePasswordComesFromItPgpasswordOrAnOwnerOnlyFile() throws Exception {
    PostgresUrl u =
        PostgresUrl.parse(
            "postgresql://team:p%40ss@db.example:6543/gpux?sslmode=require", Map.of(), dir);
    assertEquals("team", u.user());
    assertEquals("p@ss", u.password());
    assertEquals("jdbc:postgresql://db.example:6543/gpux?sslmode=require", u.jdbcUrl());
    assertEquals("postgresql://team@db.example:6543/gpux", u.toString(), "no password shown");
    assertEquals(5432, PostgresUrl.parse("postgres://team@h/gpux", Map.of(), dir).port());
    assertEquals(
        "from-env",
        PostgresUrl.parse("postgresql://team@h/gpux", Map.of("PGPASSWORD", "from-env"), dir)
            .password());
    Path pass = dir.resolve(".pgpass");
    Files.writeString(pass, "# team\nother:5432:*:team:wrong\nh:5432:gpux:team:from-file\n");
    Files.setPosixFilePermissions(pass, PosixFilePermissions.fromString("rw-------"));
    assertEquals(
        "from-file", PostgresUrl.parse("postgresql://team@h/gpux", Map.of(), dir).password());
    Files.setPosixFilePermissions(pass, PosixFilePermissions.fromString("rw-r--r--"));
    GpuxException open =
        assertThrows(
            GpuxException.class,
            () -> PostgresUrl.parse("postgresql://team@h/gpux", Map.of(), dir));
    assertTrue(open.hint().contains("chmod 600"), open.hint());
    for (String bad :
        List.of("postgresql://team:secret@h", "postgresql://h:99999/db", "postgresql:/x")) {
      GpuxException e =
          assertThrows(
              GpuxException.class,
              () -> IndexDatabase.open(dir.resolve("index.db"), Map.of("GPUX_INDEX_URL", bad)));
      assertEquals(ErrorCategory.INVALID_INPUT, e.category(), bad);
      assertTrue(e.getMessage().contains("GPUX_INDEX_URL"), e.getMessage());
      assertFalse(e.getMessage().contains("secret"), e.getMessage());
    }
    GpuxException mysql =
        assertThrows(
            GpuxException.class,
            () ->
                IndexDatabase.open(
                    dir.resolve("index.db"), Map.of("GPUX_INDEX_URL", "mysql://u:secret@h/db")));
    assertEquals(ErrorCategory.INVALID_INPUT, mysql.category());
    assertFalse(mysql.getMessage().contains("secret"), mysql.getMessage());
  }

  @Test
  void anUnreachableServerIsAnErrorNamingTheVariableWithoutThePasswordAndNoSqliteFile()
      throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    Path file = dir.resolve("index.db");
    GpuxException e =
        assertThrows(
            GpuxException.class,
            () ->
                IndexDatabase.open(
                    file,
                    Map.of(
                        "GPUX_INDEX_URL",
                        "postgresql://team:hunter2@127.0.0.1:" + closed + "/gpux")));
    assertEquals(ErrorCategory.UNAVAILABLE, e.category());
    assertEquals(3, e.category().exitCode());
    assertTrue(e.getMessage().contains("GPUX_INDEX_URL"), e.getMessage());
    assertTrue(e.getMessage().contains("127.0.0.1:" + closed), e.getMessage());
    assertFalse((e.getMessage() + e.hint()).contains("hunter2"), e.getMessage());
    assertFalse(Files.exists(file), "no silent fallback to a local SQLite index");
  }

  @Test
  void aWrongPasswordIsRefusedWithoutEchoingIt() throws Exception {
    Postgres pg = Postgres.shared();
    String db = pg.newDatabase();
    GpuxException e =
        assertThrows(
            GpuxException.class,
            () ->
                IndexDatabase.open(
                    dir.resolve("index.db"),
                    Map.of("GPUX_INDEX_URL", pg.urlWithoutPassword(db), "PGPASSWORD", "wrong-pw")));
    assertEquals(ErrorCategory.UNAVAILABLE, e.category());
    assertTrue(e.getMessage().contains("password authentication failed"), e.getMessage());
    assertFalse(e.getMessage().contains("wrong-pw"), e.getMessage());
    try (IndexDatabase ok =
        IndexDatabase.open(
            dir.resolve("index.db"),
            Map.of("GPUX_INDEX_URL", pg.urlWithoutPassword(db), "PGPASSWORD", Postgres.PASSWORD))) {
      assertEquals(Migrations.LATEST, ok.schemaVersion());
      assertEquals(Dialect.POSTGRES, ok.dialect());
    }
  }

  /**
   * Eight writers, each on its own pool, move one tag back and forth at once: every move is in the
   * history exactly once, numbered without gaps, each naming the version the one before it set.
   */
  @Test
  void concurrentWritersOnSeparateConnectionsKeepOneConsistentHistory() throws Exception {
    Postgres pg = Postgres.shared();
    Map<String, String> env = Map.of("GPUX_INDEX_URL", pg.url(pg.newDatabase()));
    int writers = 8;
    int moves = 15;
    List<IndexDatabase> dbs = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      for (int w = 0; w < writers; w++) {
        dbs.add(IndexDatabase.open(dir.resolve("index.db"), env)); // all migrate at once
      }
      List<Future<Integer>> done = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        IndexDatabase db = dbs.get(w);
        int writer = w;
        done.add(
            pool.submit(
                () -> {
                  TagTables tags = new TagTables(db);
                  int moved = 0;
                  for (int i = 0; i < moves; i++) {
                    String version = "w" + writer + "-" + i;
                    boolean[] m = new boolean[1];
                    db.transaction(
                        () ->
                            m[0] =
                                tags.move(
                                    "hf",
                                    "org/m",
                                    "main",
                                    version,
                                    Instant.now(),
                                    TagTables.PULLED));
                    moved += m[0] ? 1 : 0;
                  }
                  return moved;
                }));
      }
      int total = 0;
      for (Future<Integer> f : done) {
        total += f.get();
      }
      assertEquals(writers * moves, total, "every move is a new version");
      IndexDatabase db = dbs.get(0);
      List<Long> seqs =
          db.query(
              "SELECT seq FROM tag_history WHERE name = 'org/m' ORDER BY seq", r -> r.getLong(1));
      assertEquals(total, seqs.size());
      for (int i = 0; i < seqs.size(); i++) {
        assertEquals(i + 1, seqs.get(i), "numbered without gaps");
      }
      List<TagMove> history = new TagTables(db).history("hf", "org/m", "main");
      for (int i = 1; i < history.size(); i++) {
        assertEquals(history.get(i - 1).version(), history.get(i).previousVersion(), "move " + i);
      }
      assertEquals(
          history.get(history.size() - 1).version(),
          new TagTables(db).tagged("hf", "org/m", "main").orElseThrow());
      assertEquals(1, db.query("SELECT COUNT(*) FROM tags", r -> r.getLong(1)).get(0));
    } finally {
      pool.shutdownNow();
      dbs.forEach(IndexDatabase::close);
    }
  }
}
