package io.gpux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.gpux.testing.Postgres;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code index.url} in the settings file (GPUX_HOME/config.yml) as a user meets it, against a real
 * PostgreSQL: {@code gpux config set} puts the index there, the environment wins over the file, a
 * password in a file others can read is refused, an unknown key or malformed YAML names the file
 * and the line, and the password is never printed.
 */
class SettingsFileCliTest {
  @TempDir Path home;
  @TempDir Path cwd;

  private Map<String, String> env() {
    return new HashMap<>(Map.of("GPUX_HOME", home.toString()));
  }

  private CliResult gpux(Map<String, String> env, String... args) {
    return CliResult.run(cwd, env, args);
  }

  private CliResult gpux(String... args) {
    return gpux(env(), args);
  }

  private static void noSecret(CliResult r) {
    for (String secret : List.of(Postgres.PASSWORD, "s3cret", "p%40ss")) {
      assertFalse(r.out().contains(secret) || r.err().contains(secret), "a secret leaked\n" + r);
    }
    assertFalse(r.err().contains("\tat "), "no stack trace\n" + r);
  }

  private static void badInput(CliResult r, String start) {
    assertEquals(2, r.exitCode(), r.toString());
    assertTrue(r.err().startsWith("gpux: error: " + start), r.toString());
    assertEquals(3, r.err().strip().split("\n").length, "an error line, a hint, its entry\n" + r);
    noSecret(r);
  }

  private Path file() {
    return home.resolve("config.yml");
  }

  @Test
  void indexUrlInTheFilePutsTheIndexOnPostgresAndTheEnvironmentWins() throws Exception {
    Postgres pg = Postgres.shared();
    String database = pg.newDatabase();
    CliResult set = gpux("config", "set", "index.url", pg.url(database));
    assertEquals(0, set.exitCode(), set.toString());
    assertEquals("Set index.url in " + file(), set.out().strip());
    noSecret(set);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file())));

    CliResult ws = gpux("workspace", "create", "team-a");
    assertEquals(0, ws.exitCode(), ws.toString());
    assertFalse(Files.exists(home.resolve("index.db")), "the index is on PostgreSQL");
    assertEquals(
        "team-a", pg.psql(database, "SELECT name FROM workspaces WHERE name = 'team-a'").strip());

    CliResult get = gpux("config", "get", "index.url");
    assertEquals(0, get.exitCode(), get.toString());
    assertEquals(
        "postgresql://gpux:***@127.0.0.1:" + pg.port() + "/" + database, get.out().strip());
    noSecret(get);
    CliResult list = gpux("config", "list", "--json");
    JsonNode s = io.gpux.json.Json.mapper().readTree(list.out()).get("settings").get(0);
    assertEquals("index.url", s.get("key").asText());
    assertEquals(file().toString(), s.get("source").asText());
    noSecret(list);
    CliResult table = gpux("config", "list");
    assertTrue(table.out().contains("index.url"), table.toString());
    noSecret(table);

    // The environment wins: an empty GPUX_INDEX_URL is the local index, whatever the file says.
    Map<String, String> local = env();
    local.put("GPUX_INDEX_URL", "");
    CliResult mine = gpux(local, "workspace", "list", "--json");
    assertEquals(0, mine.exitCode(), mine.toString());
    assertTrue(Files.exists(home.resolve("index.db")));
    assertFalse(mine.out().contains("team-a"), mine.toString());
    // ... and an unreachable one named by the variable is the variable's error, not the file's.
    int closed;
    try (ServerSocket sock = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = sock.getLocalPort();
    }
    Map<String, String> other = env();
    other.put("GPUX_INDEX_URL", "postgresql://gpux@127.0.0.1:" + closed + "/gpux");
    CliResult down = gpux(other, "list");
    assertEquals(3, down.exitCode(), down.toString());
    assertTrue(down.err().contains("named by GPUX_INDEX_URL:"), down.toString());
    CliResult warned = gpux(other, "config", "set", "index.url", pg.url(database));
    assertTrue(
        warned.err().contains("GPUX_INDEX_URL is set in the environment"), warned.toString());

    // Unreachable from the file: the message names the file's key and path.
    assertEquals(
        0,
        gpux("config", "set", "index.url", "postgresql://gpux:hunter2@127.0.0.1:" + closed + "/g")
            .exitCode());
    CliResult fileDown = gpux("list");
    assertEquals(3, fileDown.exitCode(), fileDown.toString());
    assertTrue(
        fileDown.err().contains("named by index.url in " + file() + ":"), fileDown.toString());
    assertTrue(fileDown.err().contains("fix index.url in " + file()), fileDown.toString());
    assertFalse(fileDown.err().contains("hunter2"), fileDown.toString());

    // Nested YAML is the same key; unset goes back to the local index.
    Files.writeString(file(), "index:\n  url: " + pg.url(database) + "\n");
    CliResult nested = gpux("workspace", "list", "--json");
    assertTrue(nested.out().contains("team-a"), nested.toString());
    CliResult unset = gpux("config", "unset", "index.url");
    assertEquals("Unset index.url in " + file(), unset.out().strip());
    CliResult back = gpux("workspace", "list", "--json");
    assertFalse(back.out().contains("team-a"), back.toString());
    CliResult none = gpux("config", "get", "index.url");
    assertEquals(2, none.exitCode(), none.toString());
    assertTrue(none.err().startsWith("gpux: error: index.url is not set"), none.toString());
  }

  @Test
  void aPasswordInAFileOthersCanReadIsRefusedAndNeverShown() throws Exception {
    Files.writeString(
        file(), "# the team's index\nindex.url: postgresql://gpux:s3cret@db.internal:5432/gpux\n");
    Files.setPosixFilePermissions(file(), PosixFilePermissions.fromString("rw-r--r--"));
    CliResult r = gpux("list");
    badInput(r, file() + " holds a password in index.url but can be read by others");
    assertTrue(r.err().contains("hint: chmod 600 " + file()), r.toString());
    // Without a password the file may be readable by anyone: nothing secret is in it.
    Files.writeString(file(), "index.url: postgresql://gpux@127.0.0.1:1/gpux\n");
    CliResult open = gpux("list");
    assertEquals(3, open.exitCode(), open.toString());
    assertTrue(open.err().contains("named by index.url in " + file()), open.toString());
  }

  @Test
  void unknownKeysAndMalformedYamlNameTheFileAndLine() throws Exception {
    Files.writeString(file(), "# settings\nindex.uri: postgresql://gpux@h/gpux\n");
    badInput(gpux("list"), file() + ":2: unknown setting 'index.uri' (did you mean index.url?)");
    Files.writeString(file(), "index:\n  url: postgresql://gpux@h/gpux\n  pool: 4\n");
    badInput(gpux("list"), file() + ":3: unknown setting 'index.pool'");
    Files.writeString(file(), "index.url: [postgresql://gpux@h/gpux]\n");
    badInput(gpux("list"), file() + ":1: index.url must be a single value");
    Files.writeString(file(), "index.url: \"postgresql://gpux:s3cret@h/gpux\n");
    badInput(gpux("list"), file() + ":");
    assertTrue(gpux("list").err().contains("malformed YAML"));
    Files.writeString(file(), "index.url: postgresql://gpux@h/gpux\nindex.url: other\n");
    badInput(gpux("list"), file() + ":2: index.url is set twice");
    Files.delete(file());
    badInput(
        gpux("config", "set", "index.uri", "x"),
        "unknown setting 'index.uri' (did you mean index.url?)");
    badInput(
        gpux("config", "set", "index.url", "http://gpux:s3cret@h/gpux"),
        "index.url is not a PostgreSQL URL: http://gpux:***@h/gpux");
    badInput(gpux("config", "get", "nope"), "unknown setting 'nope'");
    assertFalse(Files.exists(file()), "nothing was written");
  }
}
