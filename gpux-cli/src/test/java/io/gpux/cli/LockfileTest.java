package io.gpux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gpux.testing.RepoFiles;
import io.gpux.testing.hf.FakeHfHub;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gpux lock}, {@code gpux sync} and {@code gpux pull --locked} against the fake Hub, through
 * the CLI as a user types them: a lockfile made on one machine restores the same bytes on another.
 */
class LockfileTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  @TempDir Path cwd;
  @TempDir Path home;
  @TempDir Path otherHome;
  private final Path digits = RepoFiles.root().resolve("examples/digits");
  private FakeHfHub hub;
  private String v1;

  @BeforeEach
  void start() throws Exception {
    hub = FakeHfHub.start();
    v1 =
        hub.repo("acme/digits")
            .lfsFile("onnx/model.onnx", Files.readAllBytes(digits.resolve("model.onnx")))
            .file("config.json", "{\"id2label\": {\"0\": \"zero\"}}")
            .file("README.md", "# digits\n")
            .commit("initial");
  }

  @AfterEach
  void stop() {
    hub.close();
  }

  private CliResult gpux(Path gpuxHome, String... args) {
    Map<String, String> env = new HashMap<>();
    env.put("GPUX_HOME", gpuxHome.toString());
    env.put("HF_ENDPOINT", hub.url());
    return CliResult.run(cwd, env, args);
  }

  /** Files asked for (an LFS file's /resolve/ redirects to the CDN: one file, one count). */
  private long fileDownloads() {
    return hub.requests().stream()
        .filter(r -> r.path().contains("/resolve/"))
        .filter(r -> r.method().equals("GET"))
        .count();
  }

  private static void assertCleanError(CliResult r, String problem, String hint) {
    assertEquals(2, r.exitCode(), r.toString());
    assertTrue(r.err().startsWith("gpux: error: "), r.toString());
    assertTrue(r.err().contains(problem), "expected '" + problem + "' in\n" + r);
    assertTrue(r.err().contains("hint: ") && r.err().contains(hint), "hint '" + hint + "'\n" + r);
    assertEquals(3, r.err().strip().lines().count(), "an error line, a hint, its entry:\n" + r);
    assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), r.toString());
  }

  @Test
  void aLockRestoresTheSameBytesInAnotherStoreAndIsByteIdenticalAcrossRuns() throws Exception {
    assertEquals(0, gpux(home, "pull", "hf:acme/digits").exitCode());
    CliResult lock = gpux(home, "lock", "hf:acme/digits");
    assertEquals(0, lock.exitCode(), lock.toString());
    assertTrue(lock.out().contains("Locked 1 model(s) in gpux.lock"), lock.toString());
    String text = Files.readString(cwd.resolve("gpux.lock"));
    assertTrue(text.contains("version: \"" + v1 + "\""), text);
    assertTrue(text.contains("requested: \"main\""), text);
    assertTrue(text.contains("{path: \"onnx/model.onnx\", size: "), text);
    assertFalse(text.contains("gpux.yml"), "derived files are not locked:\n" + text);

    // Upstream moves on; the lock still names v1.
    hub.repo("acme/digits").file("README.md", "# digits v2\n").commit("docs");
    hub.clearRequests();
    CliResult sync = gpux(otherHome, "sync", "gpux.lock", "--json");
    assertEquals(0, sync.exitCode(), sync.toString());
    JsonNode s = MAPPER.readTree(sync.out());
    assertEquals(v1, s.get("models").get(0).get("version").asText());
    assertEquals(3, s.get("models").get(0).get("files_fetched").asInt(), sync.out());
    assertEquals(3, fileDownloads(), "the three locked files, nothing else");
    JsonNode list = MAPPER.readTree(gpux(otherHome, "list", "--json").out());
    assertEquals(1, list.size(), list.toString());
    assertEquals(v1, list.get(0).get("version").asText());
    assertEquals("[\"main\"]", list.get(0).get("tags").toString(), "main points at the lock");
    CliResult run =
        gpux(
            otherHome,
            "run",
            "hf:acme/digits@main",
            "--file",
            digits.resolve("sample.json").toString(),
            "-q",
            "--no-pull");
    assertEquals(0, run.exitCode(), run.toString());

    // The same lock from the restored store, from other order and another run: the same bytes.
    Files.move(cwd.resolve("gpux.lock"), cwd.resolve("first.lock"));
    assertEquals(0, gpux(otherHome, "lock", "hf:acme/digits@main", "-o", "again.lock").exitCode());
    assertEquals(
        Files.readString(cwd.resolve("first.lock")), Files.readString(cwd.resolve("again.lock")));

    // A second sync fetches nothing.
    hub.clearRequests();
    CliResult again = gpux(otherHome, "pull", "--locked", "first.lock");
    assertEquals(0, again.exitCode(), again.toString());
    assertTrue(again.out().contains("Up to date: hf:acme/digits@" + v1), again.toString());
    assertEquals(0, fileDownloads());
  }

  @Test
  void syncFetchesOnlyTheFilesTheStoreLacks() throws Exception {
    assertEquals(0, gpux(home, "pull", "hf:acme/digits").exitCode());
    String v2 = hub.repo("acme/digits").file("README.md", "# digits v2\n").commit("docs");
    assertEquals(0, gpux(otherHome, "pull", "hf:acme/digits").exitCode());
    assertEquals(0, gpux(otherHome, "lock", "hf:acme/digits@main").exitCode());
    hub.clearRequests();
    CliResult sync = gpux(home, "sync", "--json");
    assertEquals(0, sync.exitCode(), sync.toString());
    JsonNode m = MAPPER.readTree(sync.out()).get("models").get(0);
    assertEquals(v2, m.get("version").asText());
    assertEquals(
        1,
        m.get("files_fetched").asInt(),
        "README.md only: config.json (no sha256 listed) is known by its unchanged git blob id");
    assertTrue(
        hub.requests().stream().noneMatch(r -> r.path().startsWith("/cdn/")),
        "the LFS model, already in the store by digest, was not fetched: " + hub.requests());
  }

  @Test
  void aTamperedLockfileIsRefusedAndNothingChanges() throws Exception {
    assertEquals(0, gpux(home, "pull", "hf:acme/digits").exitCode());
    assertEquals(0, gpux(home, "lock", "hf:acme/digits").exitCode());
    String text = Files.readString(cwd.resolve("gpux.lock"));
    String line = text.lines().filter(l -> l.contains("onnx/model.onnx")).findFirst().orElseThrow();
    String sha = line.replaceFirst(".*sha256: \"([0-9a-f]{64})\".*", "$1");
    String forged = sha.substring(0, 60) + (sha.endsWith("0000") ? "1111" : "0000");
    Files.writeString(cwd.resolve("gpux.lock"), text.replace(sha, forged));
    String listBefore = gpux(home, "list", "--json").out();

    // The store has that exact version: the lock disagrees with it.
    CliResult inStore = gpux(home, "sync");
    assertCleanError(
        inStore, "onnx/model.onnx is locked with sha256 " + forged.substring(0, 12), "gpux lock");
    assertTrue(inStore.err().contains("gpux.lock:"), "names the file and line: " + inStore);
    assertEquals(listBefore, gpux(home, "list", "--json").out(), "the store is unchanged");

    // A fresh store: the registry's listing (LFS sha256) refuses it before any download.
    hub.clearRequests();
    CliResult fresh = gpux(otherHome, "pull", "--locked", "gpux.lock");
    assertCleanError(fresh, "but the registry has " + sha.substring(0, 12), "gpux lock");
    assertEquals(0, fileDownloads(), "nothing was downloaded");
    assertEquals("[]", MAPPER.readTree(gpux(otherHome, "list", "--json").out()).toString());
    assertFalse(
        Files.exists(otherHome.resolve("manifests"))
            && Stream.of(otherHome.resolve("manifests").toFile().list()).findAny().isPresent(),
        "no manifest written");
  }

  @Test
  void aLockedVersionTheRegistryNoLongerHasFailsNamingIt() throws Exception {
    assertEquals(0, gpux(home, "pull", "hf:acme/digits").exitCode());
    assertEquals(0, gpux(home, "lock", "hf:acme/digits").exitCode());
    // super_squash_history rewrites main: the locked commit is gone from the Hub.
    hub.repo("acme/digits").superSquash("squash");
    CliResult sync = gpux(otherHome, "sync");
    assertCleanError(sync, "the registry no longer has version " + v1, "gpux lock hf:acme/digits");
    assertTrue(sync.err().startsWith("gpux: error: gpux.lock:"), sync.toString());
    // The store that has the bytes still restores them: the lock is a promise about bytes.
    assertEquals(0, gpux(home, "sync").exitCode());
  }

  @Test
  void aFileDeletedUpstreamIsTheFirstDifference() throws Exception {
    assertEquals(0, gpux(home, "pull", "hf:acme/digits").exitCode());
    assertEquals(0, gpux(home, "lock", "hf:acme/digits").exitCode());
    // Another lock names a file the registry's version never had (deleted upstream from a
    // rewritten history that kept the commit id is impossible on git; a mirror that lost a file
    // looks like this).
    String text = Files.readString(cwd.resolve("gpux.lock"));
    String extra =
        "      - {path: \"a-lost-file.bin\", size: 3, sha256: \"" + "ab".repeat(32) + "\"}\n";
    int at = text.indexOf("      - {path:");
    Files.writeString(cwd.resolve("gpux.lock"), text.substring(0, at) + extra + text.substring(at));
    CliResult sync = gpux(otherHome, "sync");
    assertCleanError(
        sync, "a-lost-file.bin is locked but the registry does not list it", "gpux lock");
  }

  @Test
  void malformedLockfilesGetOneLineNamingTheLine() throws Exception {
    String[][] cases = {
      {"lockfile: 1\nmodels: [\n", "gpux.lock:", "is not valid YAML"},
      {"models: []\n", "gpux.lock:1:", "'lockfile: 1' is missing"},
      {"lockfile: 9\nmodels: []\n", "written by a newer GPUX", "upgrade GPUX"},
      {
        "lockfile: 1\nmodels:\n  - registry: \"hf\"\n    name: \"acme/digits\"\n    version: \""
            + v1
            + "\"\n    files:\n      - {path: \"model.onnx\", size: 1, sha256: \"xyz\"}\n",
        "gpux.lock:7: models[0].files[0].sha256 of model.onnx is not a sha256 digest",
        "gpux lock"
      },
      {
        "lockfile: 1\nmodels:\n  - registry: \"hf\"\n    name: \"acme/digits\"\n    versoin: \"x\"\n",
        "gpux.lock:5: unknown field 'models[0].versoin'",
        "gpux lock"
      },
      {
        "lockfile: 1\nmodels:\n  - registry: \"hf\"\n    name: \"acme/digits\"\n    version: \"x\"\n"
            + "    files:\n      - {path: \"../../etc/passwd\", size: 1, sha256: \""
            + "ab".repeat(32)
            + "\"}\n",
        "gpux.lock:7: models[0].files[0].path",
        "gpux lock"
      },
    };
    for (String[] c : cases) {
      Files.writeString(cwd.resolve("gpux.lock"), c[0]);
      CliResult r = gpux(home, "sync");
      assertCleanError(r, c[1], c[2]);
    }
    assertCleanError(
        gpux(home, "sync", "missing.lock"), "no lockfile at missing.lock", "gpux lock");
    assertFalse(Files.exists(home.resolve("manifests")), "nothing was pulled");
  }

  @Test
  void usageErrorsAndUnknownReferences() throws Exception {
    assertCleanError(gpux(home, "lock"), "nothing to lock", "-f FILE");
    assertCleanError(
        gpux(home, "pull", "hf:acme/digits", "--locked", "gpux.lock"),
        "--locked restores what the lockfile names",
        "gpux pull --help");
    assertCleanError(gpux(home, "pull"), "missing REFERENCE (or --locked LOCKFILE)", "--help");
    CliResult unknown = gpux(home, "lock", "hf:acme/nothing-here");
    assertEquals(2, unknown.exitCode(), unknown.toString());
    assertFalse(Files.exists(cwd.resolve("gpux.lock")), "no lockfile for a failed lock");
    assertCleanError(gpux(home, "lineage", "hf:acme/digits"), "is not in the store", "gpux pull");
    assertCleanError(
        gpux(home, "diff", "hf:acme/digits", "hf:acme/other"), "is not in the store", "gpux pull");
    assertCleanError(
        gpux(home, "lineage", "hf:acme/digits", "--format", "spdx"),
        "unknown format 'spdx'",
        "cyclonedx");
  }

  @Test
  void lockReadsReferencesFromAFileAndSortsThem() throws Exception {
    hub.repo("acme/adder")
        .lfsFile("model.onnx", Files.readAllBytes(digits.resolve("model.onnx")))
        .commit("a");
    Files.writeString(
        cwd.resolve("models.txt"), "# our models\nhf:acme/digits\n\nhf:acme/adder  # new\n");
    CliResult r = gpux(home, "lock", "-f", "models.txt", "-o", "-");
    assertEquals(0, r.exitCode(), r.toString());
    assertTrue(
        r.out().indexOf("acme/adder") < r.out().indexOf("acme/digits"), "sorted: " + r.out());
    CliResult reversed = gpux(home, "lock", "hf:acme/adder", "hf:acme/digits", "-o", "-");
    assertEquals(r.out(), reversed.out(), "order of the arguments does not matter");
    assertNotEquals("", r.out());
  }

  @Test
  void everyNewCommandAnswersHelp() {
    for (String c : new String[] {"lock", "sync", "diff", "lineage"}) {
      CliResult r = gpux(home, c, "--help");
      assertEquals(0, r.exitCode(), r.toString());
      assertTrue(r.out().startsWith("Usage: gpux " + c), r.toString());
    }
    assertTrue(gpux(home, "pull", "--help").out().contains("--locked"));
  }

  @Test
  void buildPullsARegistryModelSourceAndLocksItBesideGpuxYml() throws Exception {
    Path project = Files.createDirectories(cwd.resolve("app"));
    Files.writeString(
        project.resolve("gpux.yml"), "name: digits-app\nmodel:\n  source: hf:acme/digits@main\n");
    CliResult build = gpux(home, "build", "app");
    assertEquals(0, build.exitCode(), build.toString());
    assertTrue(
        build.out().contains("Locked hf:acme/digits main -> " + v1 + " in gpux.lock"),
        build.toString());
    String lock = Files.readString(project.resolve("gpux.lock"));
    assertTrue(lock.contains("version: \"" + v1 + "\""), lock);
    CliResult run =
        gpux(
            home, "run", "app", "--file", digits.resolve("sample.json").toString(), "-q", "--json");
    assertEquals(0, run.exitCode(), run.toString());
    assertEquals(7, MAPPER.readTree(run.out()).get("label").get(0).asInt(), run.out());

    // main moves upstream: the project keeps its locked version, without asking the Hub.
    hub.repo("acme/digits").file("README.md", "# digits v2\n").commit("docs");
    hub.clearRequests();
    assertEquals(0, gpux(home, "build", "app").exitCode());
    assertEquals(lock, Files.readString(project.resolve("gpux.lock")), "the lock did not move");
    assertEquals(List.of(), hub.requests(), "a locked, stored source needs no network");

    // Another machine: build restores the locked version, not main's new head.
    CliResult elsewhere = gpux(otherHome, "build", "app", "--json");
    assertEquals(0, elsewhere.exitCode(), elsewhere.toString());
    assertEquals(v1, MAPPER.readTree(elsewhere.out()).get("locked").get("version").asText());
    JsonNode list = MAPPER.readTree(gpux(otherHome, "list", "--json").out());
    assertEquals(v1, list.get(0).get("version").asText(), list.toString());

    // A tampered project lock stops the build with the usual one line.
    String sha =
        lock.lines()
            .filter(l -> l.contains("onnx/model.onnx"))
            .findFirst()
            .orElseThrow()
            .replaceFirst(".*sha256: \"([0-9a-f]{64})\".*", "$1");
    Files.writeString(project.resolve("gpux.lock"), lock.replace(sha, "0".repeat(64)));
    assertCleanError(
        gpux(home, "build", "app"),
        "onnx/model.onnx is locked with sha256 000000000000",
        "gpux lock");
  }
}
