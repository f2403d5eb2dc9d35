package io.gpux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gpux.testing.Postgres;
import io.gpux.testing.RepoFiles;
import io.gpux.testing.hf.FakeHfHub;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The index on a real PostgreSQL ({@code GPUX_INDEX_URL}) as a user meets it: commands work as on
 * SQLite, a server that is down is one clear error (exit 3) and never a silent local index, and
 * several {@code gpux} processes writing at once (two updates, pins, adds to one collection) leave
 * it consistent.
 */
class PostgresIndexCliTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  @TempDir Path home;
  @TempDir Path cwd;

  @Test
  void anUnreachableServerIsExitThreeNamingTheVariableAndNothingFallsBackToSqlite()
      throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    Map<String, String> env =
        Map.of(
            "GPUX_HOME",
            home.toString(),
            "GPUX_INDEX_URL",
            "postgresql://team:hunter2@127.0.0.1:" + closed + "/gpux");
    // A machine with no store yet asks the team's index too: "empty" would hide the outage.
    Map<String, String> newMachine = new HashMap<>(env);
    newMachine.put("GPUX_HOME", home.resolve("new-machine").toString());
    for (List<String> args :
        List.of(List.of("list"), List.of("outdated"), List.of("new", "list"))) {
      boolean fresh = args.get(0).equals("new");
      CliResult r =
          CliResult.run(
              cwd,
              fresh ? newMachine : env,
              args.subList(fresh ? 1 : 0, args.size()).toArray(String[]::new));
      assertEquals(3, r.exitCode(), args + "\n" + r);
      assertTrue(r.err().startsWith("gpux: error: cannot reach the index database"), r.toString());
      assertTrue(r.err().contains("GPUX_INDEX_URL"), r.toString());
      assertTrue(r.err().contains("\nhint: "), r.toString());
      assertFalse(r.err().contains("hunter2") || r.out().contains("hunter2"), r.toString());
      assertFalse(r.err().contains("\tat "), "no stack trace\n" + r);
    }
    assertFalse(Files.exists(home.resolve("index.db")), "no silent SQLite index");
    CliResult bad =
        CliResult.run(
            cwd,
            Map.of("GPUX_HOME", home.toString(), "GPUX_INDEX_URL", "postgresql://nohost"),
            "list");
    assertEquals(2, bad.exitCode(), bad.toString());
    assertTrue(bad.err().contains("GPUX_INDEX_URL is not a PostgreSQL URL"), bad.toString());
  }

  private static List<String> actions(CliResult history) throws Exception {
    List<String> out = new ArrayList<>();
    for (JsonNode m : MAPPER.readTree(history.out()).get("history")) {
      out.add(m.get("action").asText());
    }
    return out;
  }

  @Test
  @io.gpux.testing.Slow
  void severalProcessesUpdatingAndPinningOnePostgresIndexStayConsistent() throws Exception {
    Postgres pg = Postgres.shared();
    try (FakeHfHub hub = FakeHfHub.start()) {
      byte[] model = Files.readAllBytes(RepoFiles.root().resolve("examples/digits/model.onnx"));
      Map<String, String> env = new HashMap<>();
      env.put("GPUX_HOME", home.toString());
      env.put("HF_ENDPOINT", hub.url());
      env.put("GPUX_INDEX_URL", pg.url(pg.newDatabase()));
      for (String repo : List.of("acme/digits", "acme/other")) {
        hub.repo(repo).lfsFile("model.onnx", model).file("README.md", "# one\n").commit("initial");
        CliResult pull = CliResult.run(cwd, env, "pull", "hf:" + repo);
        assertEquals(0, pull.exitCode(), pull.toString());
        hub.repo(repo).file("README.md", "# two\n").commit("docs");
      }
      assertFalse(Files.exists(home.resolve("index.db")), "the index is on PostgreSQL");
      Map<String, String> processEnv = new HashMap<>(System.getenv());
      processEnv.putAll(env);
      ExecutorService pool = Executors.newFixedThreadPool(6);
      try {
        List<Future<CliResult>> updates = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
          updates.add(
              pool.submit(() -> CliProcess.run(cwd, processEnv, "update", "--all", "--json")));
        }
        int updated = 0;
        for (Future<CliResult> f : updates) {
          CliResult r = f.get();
          assertEquals(0, r.exitCode(), r.toString());
          for (JsonNode m : MAPPER.readTree(r.out()).get("models")) {
            updated += m.get("updated").asBoolean() ? 1 : 0;
          }
        }
        assertEquals(2, updated, "each model moved by exactly one of the two");
        // Four processes pin one name at once: each pin is one event in its history.
        List<Future<CliResult>> pins = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
          pins.add(pool.submit(() -> CliProcess.run(cwd, processEnv, "pin", "hf:acme/digits")));
        }
        for (Future<CliResult> f : pins) {
          CliResult r = f.get();
          assertEquals(0, r.exitCode(), r.toString());
        }
      } finally {
        pool.shutdownNow();
      }
      assertEquals(
          List.of("pulled", "updated", "pinned", "pinned", "pinned", "pinned"),
          actions(CliResult.run(cwd, env, "history", "hf:acme/digits", "--json")));
      assertEquals(
          List.of("pulled", "updated"),
          actions(CliResult.run(cwd, env, "history", "hf:acme/other", "--json")));
      assertEquals(0, CliResult.run(cwd, env, "outdated").exitCode());
      assertEquals(0, CliResult.run(cwd, env, "verify").exitCode());
      assertEquals(4, MAPPER.readTree(CliResult.run(cwd, env, "list", "--json").out()).size());
    }
  }

  @Test
  @io.gpux.testing.Slow
  void severalProcessesAddingToOneCollectionKeepEveryItemOnceInOrder() throws Exception {
    Postgres pg = Postgres.shared();
    String database = pg.newDatabase();
    try (FakeHfHub hub = FakeHfHub.start()) {
      byte[] model =
          Files.readAllBytes(io.gpux.testing.OnnxModels.addOne(cwd.resolve("model.onnx")));
      Map<String, String> env = new HashMap<>();
      env.put("GPUX_HOME", home.toString());
      env.put("HF_ENDPOINT", hub.url());
      env.put("GPUX_INDEX_URL", pg.url(database));
      int writers = 4;
      for (int i = 0; i < writers; i++) {
        for (String repo : List.of("acme/m" + i + "a", "acme/m" + i + "b")) {
          hub.repo(repo).file("model.onnx", model).commit("initial");
        }
      }
      hub.repo("acme/common").file("model.onnx", model).commit("initial");
      assertEquals(0, CliResult.run(cwd, env, "collection", "create", "shared").exitCode());
      Map<String, String> processEnv = new HashMap<>(System.getenv());
      processEnv.putAll(env);
      ExecutorService pool = Executors.newFixedThreadPool(writers);
      try {
        List<Future<CliResult>> adds = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
          String[] args = {
            "collection",
            "add",
            "shared",
            "hf:acme/m" + i + "a",
            "hf:acme/m" + i + "b",
            "hf:acme/common"
          };
          adds.add(pool.submit(() -> CliProcess.run(cwd, processEnv, args)));
        }
        for (Future<CliResult> f : adds) {
          CliResult r = f.get();
          assertEquals(0, r.exitCode(), r.toString());
        }
      } finally {
        pool.shutdownNow();
      }
      JsonNode shown =
          MAPPER.readTree(CliResult.run(cwd, env, "collection", "show", "shared", "--json").out());
      // Every writer's two items and the one they all added, once: 2 per writer + 1.
      assertEquals(2 * writers + 1, shown.get("size").asInt(), shown.toString());
      List<String> names = new ArrayList<>();
      for (JsonNode item : shown.get("items")) {
        names.add(item.get("name").asText());
      }
      assertEquals(2 * writers + 1, names.stream().distinct().count(), names.toString());
      // Each writer's items stay together and in the order it gave them: one transaction each.
      for (int i = 0; i < writers; i++) {
        int first = names.indexOf("acme/m" + i + "a");
        assertEquals("acme/m" + i + "b", names.get(first + 1), names.toString());
      }
      // Positions are unique: the MAX(position) + 1 of each add ran under the write lock.
      assertEquals(
          (2 * writers + 1) + "|" + (2 * writers + 1),
          pg.psql(
                  database,
                  "SELECT COUNT(DISTINCT position) || '|' || COUNT(*) FROM collection_items"
                      + " WHERE collection = 'shared'")
              .strip());
    }
  }
}
