package io.gpux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gpux.testing.Postgres;
import io.gpux.testing.RepoFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/index-postgresql.md as a user follows it, on a real PostgreSQL: its SQL creates the role and
 * database, its {@code sh} blocks run line by line (the doc's host, port and password swapped for
 * the test server's), and its {@code console} block's command gives the output shown.
 */
class PostgresDocTest {
  @TempDir Path home;
  @TempDir Path cwd;
  @TempDir Path userHome;

  /** The lines of each fenced block of {@code kind}. */
  private static List<List<String>> blocks(List<String> doc, String kind) {
    List<List<String>> out = new ArrayList<>();
    List<String> current = null;
    for (String l : doc) {
      if (current == null && l.strip().equals("```" + kind)) {
        current = new ArrayList<>();
      } else if (current != null && l.strip().startsWith("```")) {
        out.add(current);
        current = null;
      } else if (current != null) {
        current.add(l);
      }
    }
    return out;
  }

  @Test
  void theTeamSetupRunsAsWritten() throws Exception {
    List<String> doc = Files.readAllLines(RepoFiles.root().resolve("docs/index-postgresql.md"));
    Postgres pg = Postgres.shared();
    String admin = pg.newDatabase();
    String password = "the-password";
    // The doc's database is "gpux"; one per JVM run, so the name is the doc's with a suffix.
    String db = "gpux_doc_" + ProcessHandle.current().pid();
    String role = db;
    for (List<String> sql : blocks(doc, "sql")) {
      for (String statement : sql) {
        pg.psql(
            admin,
            statement
                .replace("ROLE gpux", "ROLE " + role)
                .replace("DATABASE gpux OWNER gpux", "DATABASE " + db + " OWNER " + role));
      }
    }
    String host = "127.0.0.1:" + pg.port();
    Map<String, String> env = new HashMap<>();
    env.put("GPUX_HOME", home.toString());
    env.put("PGPASSFILE", userHome.resolve(".pgpass").toString());
    int ran = 0;
    for (List<String> sh : blocks(doc, "sh")) {
      for (String raw : sh) {
        String line =
            raw.replace(
                    "postgresql://gpux@db.internal:5432/gpux",
                    "postgresql://" + role + "@" + host + "/" + db)
                .replace("db.internal:5432:gpux:gpux:", host + ":" + db + ":" + role + ":")
                .replace("~/.pgpass", userHome.resolve(".pgpass").toString());
        if (line.startsWith("export ")) {
          String[] kv = line.substring(7).split("=", 2);
          env.put(kv[0], kv[1]);
        } else if (line.startsWith("gpux ")) {
          CliResult r = CliResult.run(cwd, env, line.substring(5).split(" "));
          assertEquals(0, r.exitCode(), line + "\n" + r);
          ran++;
        } else {
          Process p =
              new ProcessBuilder(
                      "bash", "-c", line.replace("db.internal:5432", "127.0.0.1:" + pg.port()))
                  .redirectErrorStream(true)
                  .start();
          assertEquals(0, p.waitFor(), line + "\n" + new String(p.getInputStream().readAllBytes()));
        }
      }
    }
    assertEquals(4, ran, "gpux list, gpux outdated, gpux config set and list");
    assertTrue(
        Files.readString(home.resolve("config.yml")).contains("index.url: postgresql://" + role),
        "gpux config set kept the URL");
    assertFalse(Files.exists(home.resolve("index.db")), "the index went to PostgreSQL");
    assertEquals(
        String.valueOf(io.gpux.index.Migrations.LATEST),
        pg.psql(db, "SELECT MAX(version) FROM schema_version"));
    // The password came from the owner-only file the doc writes.
    assertTrue(Files.readString(userHome.resolve(".pgpass")).contains(password));

    List<String> console = blocks(doc, "console").get(0);
    String command = console.get(0).substring(2);
    String[] words = command.split(" ");
    Map<String, String> errEnv = new HashMap<>(Map.of("GPUX_HOME", home.toString()));
    errEnv.put(words[0].split("=", 2)[0], words[0].split("=", 2)[1]);
    CliResult r =
        CliResult.run(cwd, errEnv, List.of(words).subList(2, words.length).toArray(String[]::new));
    assertEquals(3, r.exitCode(), r.toString());
    String[] err = r.err().split("\n");
    String shown = console.get(1);
    assertTrue(err[0].startsWith(shown.substring(0, shown.indexOf(": ...") + 2)), r.toString());
    assertEquals(console.get(2), err[1]);
  }
}
