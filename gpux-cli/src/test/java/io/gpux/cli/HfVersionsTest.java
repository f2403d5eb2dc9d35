package io.gpux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gpux.testing.RepoFiles;
import io.gpux.testing.hf.FakeHfHub;
import io.gpux.testing.hf.RecordedRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * outdated, update, rollback, pin, unpin and history of a Hugging Face model against the test hub,
 * as a user types them: pull by a movable name, the branch moves, outdated names the changed file,
 * update fetches that file alone (the hub's request log), rollback, history.
 */
class HfVersionsTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  @TempDir Path home;
  @TempDir Path cwd;
  private FakeHfHub hub;
  private String first;
  private final Map<String, String> env = new HashMap<>();

  @BeforeEach
  void start() throws Exception {
    hub = FakeHfHub.start();
    first =
        hub.repo("acme/digits")
            .lfsFile(
                "onnx/model.onnx",
                Files.readAllBytes(RepoFiles.root().resolve("examples/digits/model.onnx")))
            .file("config.json", "{\"id2label\": {\"0\": \"zero\"}}")
            .file("README.md", "# digits\n")
            .commit("initial");
    hub.repo("acme/digits").tag("v1");
    env.put("GPUX_HOME", home.toString());
    env.put("HF_ENDPOINT", hub.url());
  }

  @AfterEach
  void stop() {
    hub.close();
  }

  private CliResult gpux(String... args) {
    return CliResult.run(cwd, env, args);
  }

  private JsonNode json(CliResult r) throws Exception {
    return MAPPER.readTree(r.out());
  }

  /** File bytes asked of the hub: resolve URLs and the CDN they redirect to. */
  private List<String> downloads() {
    List<String> out = new ArrayList<>();
    for (RecordedRequest r : hub.requests()) {
      if (r.path().contains("/resolve/") || r.path().startsWith("/cdn/")) {
        out.add(r.path());
      }
    }
    return out;
  }

  @Test
  void branchMovesOutdatedNamesTheFileUpdateFetchesItRollbackGoesBack() throws Exception {
    assertEquals(0, gpux("pull", "hf:acme/digits").exitCode());
    CliResult current = gpux("outdated", "--json");
    assertEquals(0, current.exitCode(), current.toString());
    JsonNode c = json(current).get("models").get(0);
    assertEquals("current", c.get("status").asText(), current.toString());
    assertEquals("hf:acme/digits@main", c.get("ref").asText());
    assertEquals("main", c.get("name").asText());
    assertEquals(first, c.get("local").asText());

    String second =
        hub.repo("acme/digits").file("README.md", "# digits, second edition\n").commit("docs");
    hub.clearRequests();
    CliResult outdated = gpux("outdated", "--json");
    assertEquals(1, outdated.exitCode(), "1: some are outdated\n" + outdated);
    JsonNode o = json(outdated).get("models").get(0);
    assertEquals("outdated", o.get("status").asText());
    assertEquals(first, o.get("local").asText());
    assertEquals(second, o.get("remote").asText());
    assertEquals("[\"README.md\"]", o.get("changes").get("changed").toString(), o.toString());
    assertEquals(0, o.get("changes").get("added").size());
    assertEquals(0, o.get("changes").get("removed").size());
    assertEquals(
        "# digits, second edition\n".length() - "# digits\n".length(),
        o.get("changes").get("bytes_delta").asLong());
    assertEquals(
        false,
        o.get("changes").get("signature_changed").asBoolean(true),
        "the model file is the same, so is its signature");
    assertEquals(List.of(), downloads(), "outdated asks for metadata only");
    assertEquals(1, hub.requests().size(), "one request per model: " + hub.requests());
    CliResult table = gpux("outdated");
    assertTrue(table.out().contains("changed README.md"), table.toString());

    CliResult dry = gpux("update", "--all", "--dry-run");
    assertEquals(0, dry.exitCode(), dry.toString());
    assertTrue(dry.out().contains("would update"), dry.toString());
    assertEquals(List.of(), downloads(), "a dry run fetches nothing");

    CliResult update = gpux("update", "hf:acme/digits", "--json");
    assertEquals(0, update.exitCode(), update.toString());
    JsonNode u = json(update).get("models").get(0);
    assertTrue(u.get("updated").asBoolean(), update.toString());
    assertEquals(1, u.get("files_downloaded").asInt(), update.toString());
    assertEquals(
        List.of("/acme/digits/resolve/" + second + "/README.md"),
        downloads(),
        "only the changed file is fetched: the model by its sha256, config.json by its git blob");
    assertEquals(0, gpux("outdated").exitCode(), "current after the update");
    assertEquals(second, inspectVersion("hf:acme/digits"));
    assertEquals(2, json(gpux("list", "--json")).size(), "the previous version stays");

    CliResult back = gpux("rollback", "hf:acme/digits");
    assertEquals(0, back.exitCode(), back.toString());
    assertTrue(back.out().contains(first.substring(0, 12)), back.toString());
    assertEquals(first, inspectVersion("hf:acme/digits@main"));
    assertEquals(first, inspectVersion("hf:acme/digits"), "the bare name follows main");
    assertEquals(1, gpux("outdated").exitCode(), "rolled back: outdated again");

    JsonNode versions = json(gpux("versions", "hf:acme/digits", "--json"));
    assertEquals(second, versions.get(0).get("version").asText(), "newest first: " + versions);
    assertEquals("[\"main\"]", versions.get(0).get("tags").toString());
    assertTrue(versions.get(0).get("pulled").asBoolean());
    assertEquals(0, versions.get(0).get("local_names").size(), versions.toString());
    assertEquals(first, versions.get(1).get("version").asText());
    assertEquals("[\"v1\"]", versions.get(1).get("tags").toString());
    assertEquals("[\"main\"]", versions.get(1).get("local_names").toString(), "the local name");
    assertTrue(versions.get(1).has("created"), versions.toString());
    assertTrue(versions.get(1).get("size").asLong() > 1000, "the stored copy's size");
    CliResult versionsTable = gpux("versions", "hf:acme/digits");
    assertTrue(versionsTable.out().contains("yes <- main"), versionsTable.toString());

    CliResult history = gpux("history", "hf:acme/digits", "--json");
    assertEquals(0, history.exitCode(), history.toString());
    List<String> actions = new ArrayList<>();
    json(history).get("history").forEach(e -> actions.add(e.get("action").asText()));
    assertEquals(List.of("pulled", "updated", "rolled back"), actions, history.toString());
    JsonNode rolled = json(history).get("history").get(2);
    assertEquals(first, rolled.get("version").asText());
    assertEquals(second, rolled.get("previous").asText());
    assertTrue(rolled.has("at"));
    CliResult historyTable = gpux("history", "hf:acme/digits@main");
    assertTrue(historyTable.out().contains("rolled back"), historyTable.toString());

    CliResult to = gpux("rollback", "hf:acme/digits", "--to", second.substring(0, 8));
    assertEquals(0, to.exitCode(), "--to takes a stored version or its prefix\n" + to);
    assertEquals(second, inspectVersion("hf:acme/digits@main"));
  }

  private String inspectVersion(String ref) throws Exception {
    CliResult r = gpux("inspect", ref, "--json");
    assertEquals(0, r.exitCode(), r.toString());
    return json(r).get("source").get("version").asText();
  }

  @Test
  void aPinnedNameIsListedAndSkippedUntilUnpinned() throws Exception {
    assertEquals(0, gpux("pull", "hf:acme/digits").exitCode());
    CliResult pin = gpux("pin", "hf:acme/digits");
    assertEquals(0, pin.exitCode(), pin.toString());
    assertTrue(pin.out().startsWith("Pinned hf:acme/digits@main"), pin.toString());
    hub.repo("acme/digits").file("README.md", "# moved\n").commit("docs");
    hub.clearRequests();

    CliResult outdated = gpux("outdated", "--json");
    assertEquals(0, outdated.exitCode(), outdated.toString());
    JsonNode o = json(outdated).get("models").get(0);
    assertEquals("pinned", o.get("status").asText());
    assertTrue(o.get("remote").isNull(), "a pinned name is not checked");
    CliResult update = gpux("update", "--all");
    assertEquals(0, update.exitCode(), update.toString());
    assertTrue(update.out().contains("pinned at " + first.substring(0, 12)), update.toString());
    assertEquals(List.of(), hub.requests(), "nothing asked of the hub for a pinned name");
    CliResult rollback = gpux("rollback", "hf:acme/digits");
    assertEquals(2, rollback.exitCode(), rollback.toString());
    assertTrue(rollback.err().contains("is pinned"), rollback.toString());

    assertEquals(0, gpux("unpin", "hf:acme/digits@main").exitCode());
    assertEquals(1, gpux("outdated").exitCode());
    assertEquals(0, gpux("update", "--all").exitCode());
    assertEquals(
        List.of("pulled", "pinned", "unpinned", "updated"),
        actions(gpux("history", "hf:acme/digits", "--json")));
  }

  @Test
  void pinAtAStoredVersionMovesTheNameThere() throws Exception {
    assertEquals(0, gpux("pull", "hf:acme/digits").exitCode());
    String second = hub.repo("acme/digits").file("README.md", "# two\n").commit("docs");
    assertEquals(0, gpux("update", "--all").exitCode());
    CliResult pin = gpux("pin", "hf:acme/digits@" + first);
    assertEquals(0, pin.exitCode(), pin.toString());
    assertTrue(pin.out().contains("(was " + second.substring(0, 12) + ")"), pin.toString());
    assertEquals(first, inspectVersion("hf:acme/digits@main"));
    CliResult history = gpux("history", "hf:acme/digits", "--json");
    JsonNode last = json(history).get("history").get(2);
    assertEquals("pinned", last.get("action").asText());
    assertEquals(first, last.get("version").asText());
  }

  private static List<String> actions(CliResult history) throws Exception {
    List<String> out = new ArrayList<>();
    MAPPER.readTree(history.out()).get("history").forEach(e -> out.add(e.get("action").asText()));
    return out;
  }

  @Test
  void exactVersionsAreListedAsSuchAndAnUnreachableRegistryFailsOnlyItsModels() throws Exception {
    assertEquals(0, gpux("pull", "hf:acme/digits@" + first).exitCode());
    try (FakeHfHub other = FakeHfHub.start()) {
      other
          .repo("acme/other")
          .lfsFile(
              "model.onnx",
              Files.readAllBytes(RepoFiles.root().resolve("examples/digits/model.onnx")))
          .commit("initial");
      Map<String, String> otherEnv = new HashMap<>(env);
      otherEnv.put("HF_ENDPOINT", other.url());
      assertEquals(0, CliResult.run(cwd, otherEnv, "pull", "hf:acme/other").exitCode());
    }
    // acme/other's hub is gone; outdated asks the current HF_ENDPOINT, which lacks it.
    CliResult r = gpux("outdated", "--json");
    JsonNode models = json(r).get("models");
    assertEquals(2, models.size(), r.toString());
    assertEquals("exact", models.get(0).get("status").asText(), r.toString());
    assertEquals("hf:acme/digits@" + first, models.get(0).get("ref").asText());
    assertTrue(models.get(0).get("name").isNull());
    assertEquals("unreachable", models.get(1).get("status").asText(), r.toString());
    assertTrue(models.get(1).get("error").asText().contains("acme/other"), r.toString());
    assertEquals(3, r.exitCode(), "none outdated, one registry unreachable\n" + r);
  }

  @Test
  void badInputIsOneLineWithAFixAndExitTwo() {
    assertEquals(0, gpux("pull", "hf:acme/digits").exitCode());
    List<List<String>> cases =
        List.of(
            List.of("outdated", "hf:acme/missing"),
            List.of("update", "hf:acme/missing"),
            List.of("update"),
            List.of("update", "--all", "hf:acme/digits"),
            List.of("rollback", "hf:acme/digits"),
            List.of("rollback", "hf:acme/digits", "--to", "0123456789abcdef"),
            List.of("pin", "hf:acme/missing"),
            List.of("pin", "hf:acme/digits@nosuchname"),
            List.of("unpin", "hf:acme/digits"),
            List.of("history", "hf:acme/missing"),
            List.of("history", "hf:acme/digits@nosuchname"),
            List.of("rollback"));
    for (List<String> args : cases) {
      CliResult r = gpux(args.toArray(String[]::new));
      assertEquals(2, r.exitCode(), args + "\n" + r);
      assertTrue(r.err().startsWith("gpux: error: "), args + "\n" + r);
      assertTrue(r.err().contains("hint: ") || r.err().contains("Usage:"), args + "\n" + r);
      assertFalse(r.err().contains("\tat "), "no stack trace: " + args + "\n" + r);
    }
    CliResult noPrevious = gpux("rollback", "hf:acme/digits");
    assertTrue(noPrevious.err().contains("has no previous version"), noPrevious.toString());
    CliResult unknownTo = gpux("rollback", "hf:acme/digits", "--to", "0123456789abcdef");
    assertTrue(unknownTo.err().contains("is not in the store"), unknownTo.toString());
    assertTrue(
        unknownTo.err().contains("stored versions: " + first.substring(0, 12)),
        unknownTo.toString());
  }

  @Test
  @io.gpux.testing.Slow
  void twoProcessesUpdatingOneStoreMoveTheNameOnce() throws Exception {
    assertEquals(0, gpux("pull", "hf:acme/digits").exitCode());
    hub.repo("acme/digits").file("README.md", "# raced\n").commit("docs");
    hub.repo("acme/other")
        .lfsFile(
            "model.onnx",
            Files.readAllBytes(RepoFiles.root().resolve("examples/digits/model.onnx")))
        .commit("initial");
    assertEquals(0, gpux("pull", "hf:acme/other").exitCode());
    hub.repo("acme/other").file("README.md", "# other\n").commit("docs");
    Map<String, String> processEnv = new HashMap<>(System.getenv());
    processEnv.putAll(env);
    java.util.concurrent.ExecutorService two = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      var a = two.submit(() -> CliProcess.run(cwd, processEnv, "update", "--all", "--json"));
      var b = two.submit(() -> CliProcess.run(cwd, processEnv, "update", "--all", "--json"));
      CliResult ra = a.get();
      CliResult rb = b.get();
      assertEquals(0, ra.exitCode(), ra.toString());
      assertEquals(0, rb.exitCode(), rb.toString());
      int updated = 0;
      for (CliResult r : List.of(ra, rb)) {
        for (JsonNode m : json(r).get("models")) {
          updated += m.get("updated").asBoolean() ? 1 : 0;
        }
      }
      assertEquals(2, updated, "each model moved by one of the two\n" + ra + rb);
    } finally {
      two.shutdownNow();
    }
    for (String model : List.of("hf:acme/digits", "hf:acme/other")) {
      assertEquals(List.of("pulled", "updated"), actions(gpux("history", model, "--json")), model);
    }
    assertEquals(0, gpux("outdated").exitCode());
    assertEquals(0, gpux("verify").exitCode());
    assertEquals(4, json(gpux("list", "--json")).size());
  }

  @Test
  void everyNewCommandAnswersHelp() {
    for (String c : List.of("outdated", "update", "pin", "unpin", "rollback", "history")) {
      CliResult r = gpux(c, "--help");
      assertEquals(0, r.exitCode(), c + "\n" + r);
      assertTrue(r.out().startsWith("Usage: gpux " + c), r.toString());
    }
  }

  @Test
  void anEmptyStoreHasNothingOutdated() throws Exception {
    CliResult r = gpux("outdated", "--json");
    assertEquals(0, r.exitCode(), r.toString());
    assertEquals(0, json(r).get("models").size());
    env.put("GPUX_HOME", home.resolve("not-there-yet").toString());
    CliResult none = gpux("outdated");
    assertEquals(0, none.exitCode(), "no store yet: nothing outdated\n" + none);
    assertEquals(0, gpux("update", "--all").exitCode());
    assertFalse(Files.exists(home.resolve("not-there-yet")), "a check creates no store");
  }
}
