package io.gpux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gpux.testing.RepoFiles;
import io.gpux.testing.hf.FakeHfHub;
import io.gpux.testing.hf.Fault;
import io.gpux.testing.hf.RecordedRequest;
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
import org.junit.jupiter.api.parallel.ResourceLock;

/** gpux pull → list → run → rm → prune against the fake Hub, through the real CLI. */
class HuggingFacePullTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String LABELS =
      "{\"id2label\": {\"0\":\"zero\",\"1\":\"one\",\"2\":\"two\",\"3\":\"three\",\"4\":\"four\",\"5\":\"five\",\"6\":\"six\",\"7\":\"seven\",\"8\":\"eight\",\"9\":\"nine\"}}";
  @TempDir Path home;
  @TempDir Path cwd;
  private final Path digits = RepoFiles.root().resolve("examples/digits");
  private FakeHfHub hub;
  private String commit;
  private final Map<String, String> env = new HashMap<>();

  @BeforeEach
  void start() throws Exception {
    hub = FakeHfHub.start();
    commit =
        hub.repo("acme/digits")
            .lfsFile("onnx/model.onnx", Files.readAllBytes(digits.resolve("model.onnx")))
            .file("config.json", LABELS)
            .file("README.md", "# digits\n")
            .file("pytorch_model.bin", "not needed")
            .pipelineTag("image-classification")
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

  private long downloads() {
    return hub.requests().stream()
        .filter(r -> r.path().contains("/resolve/") || r.path().startsWith("/cdn/"))
        .filter(r -> r.method().equals("GET"))
        .count();
  }

  @Test
  void pullThenRunAPulledModel() throws Exception {
    CliResult pull = gpux("pull", "hf:acme/digits", "--json");
    assertEquals(0, pull.exitCode(), pull.toString());
    JsonNode p = MAPPER.readTree(pull.out());
    assertEquals(commit, p.get("version").asText());
    assertEquals("main", p.get("requested").asText());
    java.util.List<String> paths = new java.util.ArrayList<>();
    p.get("files").forEach(f -> paths.add(f.get("path").asText()));
    assertEquals(
        java.util.List.of("onnx/model.onnx", "config.json", "README.md", "gpux.yml"),
        paths,
        "the ONNX export, its companions and a generated gpux.yml; not the PyTorch weights");

    CliResult run =
        gpux(
            "run",
            "hf:acme/digits",
            "--file",
            digits.resolve("sample.json").toString(),
            "--json",
            "-q");
    assertEquals(0, run.exitCode(), run.toString());
    JsonNode out = MAPPER.readTree(run.out());
    assertEquals(7, out.get("label").get(0).asInt());
    assertEquals(
        "seven",
        out.get("probabilities_labels").get(0).get("label").asText(),
        "labels come from config.json's id2label");

    CliResult inspect = gpux("inspect", "hf:acme/digits@main", "--json");
    assertEquals(0, inspect.exitCode(), inspect.toString());
    JsonNode source = MAPPER.readTree(inspect.out()).get("source");
    assertEquals("hf", source.get("registry").asText());
    assertEquals(commit, source.get("version").asText(), "inspect shows the exact version");
    assertEquals("main", source.get("requested").asText());
    assertEquals(
        "image-classification", source.get("lineage").get("pipeline_tag").asText(), "and lineage");
    CliResult human = gpux("inspect", "hf:acme/digits");
    assertTrue(human.out().contains("Source:     hf:acme/digits " + commit), human.toString());
    assertTrue(human.out().contains("Lineage:"), human.toString());
    CliResult list = gpux("list", "--json");
    JsonNode l = MAPPER.readTree(list.out());
    assertEquals(1, l.size());
    assertEquals("[\"main\"]", l.get(0).get("tags").toString());
    assertEquals(0, gpux("verify").exitCode());
  }

  @Test
  void pullingAgainTransfersNothing() {
    assertEquals(0, gpux("pull", "hf:acme/digits").exitCode());
    long first = downloads();
    CliResult again = gpux("pull", "hf:acme/digits");
    assertEquals(0, again.exitCode(), again.toString());
    assertTrue(again.out().contains("Up to date"), again.toString());
    assertEquals(first, downloads(), "a re-pull of an unchanged model fetches no file");
  }

  @Test
  void aNewCommitFetchesOnlyWhatChanged() throws Exception {
    assertEquals(0, gpux("pull", "hf:acme/digits").exitCode());
    String second = hub.repo("acme/digits").file("README.md", "# digits v2\n").commit("docs");
    hub.clearRequests();
    CliResult pull = gpux("pull", "hf:acme/digits", "--json");
    JsonNode p = MAPPER.readTree(pull.out());
    assertEquals(second, p.get("version").asText());
    assertEquals(
        2,
        p.get("files_reused").asInt(),
        "the model file (by sha256) and config.json (by git blob id) are shared with the first");
    assertTrue(
        hub.requests().stream().noneMatch(r -> r.path().startsWith("/cdn/")),
        "the LFS model was not downloaded again");
    JsonNode df = MAPPER.readTree(gpux("df", "--json").out());
    assertEquals(2, df.get("versions").size());
    assertEquals(
        commit, MAPPER.readTree(gpux("list", "--json").out()).get(1).get("version").asText());
    assertEquals(
        0,
        gpux(
                "run",
                "hf:acme/digits@" + commit.substring(0, 8),
                "--file",
                digits.resolve("sample.json").toString(),
                "-q")
            .exitCode(),
        "a short commit names the old version");
    assertEquals(0, gpux("rm", "hf:acme/digits@" + commit).exitCode());
    assertEquals(1, MAPPER.readTree(gpux("list", "--json").out()).size());
  }

  @Test
  void aDownloadCutHalfwayResumes() {
    hub.faults().next("onnx/model.onnx", Fault.dropAfter(5000));
    hub.faults().next("onnx/model.onnx", Fault.status(503, java.time.Duration.ofSeconds(1)));
    CliResult pull = gpux("pull", "hf:acme/digits");
    assertEquals(0, pull.exitCode(), pull.toString());
    assertTrue(pull.err().contains("retrying"), pull.toString());
    assertTrue(
        hub.requests().stream()
            .anyMatch(r -> r.range() != null && r.range().startsWith("bytes=5000-")),
        hub.requests().toString());
    assertEquals(0, gpux("verify").exitCode());
  }

  @Test
  void aFileThatNeverVerifiesLeavesNothingBehind() throws Exception {
    for (int i = 0; i < 2; i++) {
      hub.faults().next("onnx/model.onnx", Fault.corrupt());
    }
    CliResult pull = gpux("pull", "hf:acme/digits");
    assertEquals(3, pull.exitCode(), pull.toString());
    assertTrue(pull.err().contains("failed verification"), pull.toString());
    assertTrue(
        MAPPER.readTree(gpux("list", "--json").out()).isEmpty(), "no half model in the store");
    try (Stream<Path> manifests = Files.walk(home.resolve("manifests"))) {
      assertFalse(manifests.anyMatch(Files::isRegularFile));
    }
  }

  @Test
  void privateModelsNeedTheTokenAndTheTokenNeverLeaks() throws Exception {
    String token = "hf_SECRET_token_123";
    hub.repo("acme/private")
        .lfsFile("model.onnx", Files.readAllBytes(digits.resolve("model.onnx")))
        .privateRepo(token)
        .commit("p");
    hub.cdnHost("localhost");
    CliResult anonymous = gpux("pull", "hf:acme/private");
    assertEquals(2, anonymous.exitCode(), anonymous.toString());
    assertTrue(
        anonymous.err().contains("or it is private") && anonymous.err().contains("HF_TOKEN"),
        anonymous.toString());
    env.put("HF_TOKEN", token);
    CliResult pull = gpux("pull", "hf:acme/private", "--debug");
    assertEquals(0, pull.exitCode(), pull.toString());
    assertFalse(
        pull.out().contains(token) || pull.err().contains(token), "the token is never printed");
    assertTrue(
        hub.requests().stream()
            .filter(r -> r.path().startsWith("/cdn/"))
            .noneMatch(RecordedRequest::hasAuthorization),
        "no token to the CDN host");
    try (Stream<Path> files = Files.walk(home)) {
      for (Path f :
          files
              .filter(Files::isRegularFile)
              .filter(f -> !f.toString().contains("blobs"))
              .toList()) {
        assertFalse(
            new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1)
                .contains(token),
            "token found in " + f);
      }
    }
  }

  @Test
  @ResourceLock("java.lang.System.in") // replaces System.in for login --token-stdin
  void loginStoresATokenFileOthersCannotRead() throws Exception {
    // login reads the token from standard input when it is not a terminal
    java.io.InputStream in = System.in;
    try {
      System.setIn(new java.io.ByteArrayInputStream("hf_from_login\n".getBytes()));
      assertEquals(0, gpux("login", "hf", "--token-stdin").exitCode());
    } finally {
      System.setIn(in);
    }
    Path file = home.resolve("credentials.json");
    assertEquals(
        "rw-------",
        java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    hub.repo("acme/private2")
        .lfsFile("model.onnx", Files.readAllBytes(digits.resolve("model.onnx")))
        .privateRepo("hf_from_login")
        .commit("p");
    assertEquals(0, gpux("pull", "hf:acme/private2").exitCode());
    assertEquals(0, gpux("logout", "hf").exitCode());
    assertEquals(2, gpux("pull", "hf:acme/private2@main", "--force").exitCode());
  }

  @Test
  void registryErrorsNameTheFix() {
    CliResult missing = gpux("pull", "hf:acme/nope");
    assertEquals(2, missing.exitCode());
    assertTrue(missing.err().contains("no model hf:acme/nope"), missing.toString());
    CliResult revision = gpux("pull", "hf:acme/digits@v9");
    assertEquals(2, revision.exitCode());
    assertTrue(
        revision.err().contains("has no revision 'v9'")
            && revision.err().contains("main")
            && revision.err().contains("v1"),
        revision.toString());
    hub.repo("acme/gated").file("model.onnx", "x").gated().commit("g");
    CliResult gated = gpux("pull", "hf:acme/gated");
    assertEquals(2, gated.exitCode());
    assertTrue(
        gated.err().contains("is gated") && gated.err().contains("accept"), gated.toString());
    hub.repo("acme/torch").file("pytorch_model.bin", "w").commit("t");
    CliResult noOnnx = gpux("pull", "hf:acme/torch");
    assertTrue(
        noOnnx.err().contains("has no ONNX model file (it has pytorch_model.bin)"),
        noOnnx.toString());
    CliResult notPulled = gpux("run", "hf:acme/digits", "--no-pull", "--input", "{}");
    assertEquals(2, notPulled.exitCode());
    assertTrue(notPulled.err().contains("gpux pull hf:acme/digits"), notPulled.toString());
    assertTrue(hub.unknownRoutes().isEmpty(), hub.unknownRoutes().toString());
  }

  @Test
  void aListingThatEscapesTheModelFolderIsRefused() {
    hub.repo("acme/evil")
        .lfsFile("model.onnx", new byte[] {1})
        .file("../../escape.txt", "x")
        .commit("e");
    CliResult pull = gpux("pull", "hf:acme/evil", "--include", "../../escape.txt");
    assertEquals(2, pull.exitCode(), pull.toString());
    assertTrue(pull.err().contains("refusing file path '../../escape.txt'"), pull.toString());
    assertFalse(Files.exists(home.getParent().resolve("escape.txt")));
  }

  @Test
  void offlineModeUsesTheStoreAndNeverTheNetwork() {
    assertEquals(0, gpux("pull", "hf:acme/digits").exitCode());
    hub.clearRequests();
    env.put("GPUX_OFFLINE", "1");
    assertEquals(
        0,
        gpux("run", "hf:acme/digits", "--file", digits.resolve("sample.json").toString(), "-q")
            .exitCode());
    assertEquals(0, gpux("pull", "hf:acme/digits").exitCode(), "already stored: nothing to fetch");
    CliResult other = gpux("pull", "hf:acme/other");
    assertEquals(3, other.exitCode(), other.toString());
    assertTrue(other.err().contains("GPUX_OFFLINE=1"), other.toString());
    assertTrue(hub.requests().isEmpty(), hub.requests().toString());
  }

  @Test
  void runPullsAMissingModelFirstLikeDockerRun() throws Exception {
    CliResult run =
        gpux("run", "hf:acme/digits", "--file", digits.resolve("sample.json").toString(), "--json");
    assertEquals(0, run.exitCode(), run.toString());
    assertTrue(run.err().contains("not in the store; pulling it"), run.toString());
    assertEquals(7, MAPPER.readTree(run.out()).get("label").get(0).asInt());
  }

  @Test
  void searchAndVersionsAskTheRegistry() throws Exception {
    hub.repo("acme/other").file("model.onnx", "x").tags("onnx", "text-classification").commit("o");
    JsonNode hits = MAPPER.readTree(gpux("search", "--author", "acme", "--json").out());
    assertEquals(2, hits.size());
    assertEquals("hf:acme/digits", hits.get(0).get("reference").asText());
    assertEquals(
        1, MAPPER.readTree(gpux("search", "--tag", "text-classification", "--json").out()).size());
    assertEquals(0, gpux("pull", "hf:acme/digits").exitCode());
    JsonNode versions = MAPPER.readTree(gpux("versions", "hf:acme/digits", "--json").out());
    assertEquals(commit, versions.get(0).get("version").asText());
    assertTrue(versions.get(0).get("pulled").asBoolean());
    assertTrue(versions.get(0).get("tags").toString().contains("v1"), versions.toString());
  }

  @Test
  void concurrentPullsOfOneModelAgree() throws Exception {
    var pool = java.util.concurrent.Executors.newFixedThreadPool(3);
    var results = new java.util.ArrayList<java.util.concurrent.Future<CliResult>>();
    for (int i = 0; i < 3; i++) {
      results.add(pool.submit(() -> gpux("pull", "hf:acme/digits")));
    }
    for (var r : results) {
      assertEquals(0, r.get().exitCode(), r.get().toString());
    }
    pool.shutdown();
    assertEquals(1, MAPPER.readTree(gpux("list", "--json").out()).size());
    assertEquals(0, gpux("verify").exitCode());
  }

  @Test
  void forcingEachFileToDiskStoresTheSameVerifiedFiles() throws Exception {
    env.put("GPUX_FSYNC", "1");
    assertEquals(0, gpux("pull", "hf:acme/digits").exitCode());
    assertEquals(0, gpux("verify").exitCode());
    CliResult run =
        gpux("run", "hf:acme/digits", "--file", digits.resolve("sample.json").toString(), "--json");
    assertEquals(0, run.exitCode(), run.toString());
    assertEquals(7, MAPPER.readTree(run.out()).get("label").get(0).asInt());
  }

  @Test
  void aBlobLostAfterACrashIsFetchedAgainByTheNextPull() throws Exception {
    assertEquals(0, gpux("pull", "hf:acme/digits").exitCode());
    // What the store does when a restart finds a blob the crash damaged: it deletes it.
    Path blob;
    try (var files = Files.list(home.resolve("blobs/sha256"))) {
      blob = files.filter(p -> sizeOf(p) > 1000).findFirst().orElseThrow();
    }
    Files.delete(blob);
    CliResult verify = gpux("verify");
    assertTrue(verify.exitCode() != 0 && verify.toString().contains("missing"), verify.toString());
    hub.clearRequests();
    CliResult again = gpux("pull", "hf:acme/digits");
    assertEquals(0, again.exitCode(), again.toString());
    // The lost LFS file comes again, once; small git files have no sha256 in the listing to match
    // a stored blob by, so they are fetched again too (a few bytes).
    assertEquals(
        1,
        hub.requests().stream().filter(r -> r.path().startsWith("/cdn/")).count(),
        hub.requests().toString());
    assertEquals(0, gpux("verify").exitCode());
  }

  @Test
  void aRestartAfterAPowerCutFindsTheDamagedFileWarnsAndTheNextPullRepairsIt() throws Exception {
    assertEquals(0, gpux("pull", "hf:acme/digits").exitCode());
    assertEquals(
        0,
        gpux("run", "hf:acme/digits", "--file", digits.resolve("sample.json").toString(), "-q")
            .exitCode());
    assertTrue(snapshotHasModel(), "running it made a snapshot: hard links to the blobs");
    List<Path> records;
    try (var files = Files.list(home.resolve("writeback"))) {
      records = files.toList();
    }
    org.junit.jupiter.api.Assumptions.assumeFalse(
        records.isEmpty(), "no boot id on this system: files are forced to disk instead");
    // What a power cut leaves: the records of a boot that has ended, and a file the kernel had
    // not written back (here: its bytes zeroed).
    Path model = null;
    for (Path record : records) {
      String[] fields = Files.readString(record).trim().split(" ");
      Files.writeString(record, "an-earlier-boot " + fields[1] + " " + fields[2] + "\n");
      Path blob = home.resolve("blobs/sha256").resolve(record.getFileName().toString());
      if (sizeOf(blob) > 1000) {
        model = blob;
      }
    }
    model.toFile().setWritable(true);
    Files.write(model, new byte[(int) sizeOf(model)]);

    CliResult list = gpux("list");
    assertEquals(0, list.exitCode(), list.toString());
    assertTrue(
        list.err().contains("gpux: warning: 1 file(s) in the store were damaged"), list.err());
    assertFalse(Files.exists(model), "a damaged model is never run");
    assertFalse(snapshotHasModel(), "nor is the snapshot that links to the same bytes");
    CliResult refused =
        gpux(
            "run",
            "hf:acme/digits",
            "--file",
            digits.resolve("sample.json").toString(),
            "--no-pull");
    assertTrue(refused.exitCode() != 0, refused.toString());
    CliResult again = gpux("pull", "hf:acme/digits");
    assertEquals(0, again.exitCode(), again.toString());
    assertEquals(0, gpux("verify").exitCode());
    CliResult after =
        gpux("run", "hf:acme/digits", "--file", digits.resolve("sample.json").toString(), "--json");
    assertEquals(7, MAPPER.readTree(after.out()).get("label").get(0).asInt(), after.toString());
  }

  private boolean snapshotHasModel() {
    try (var files = Files.walk(home.resolve("snapshots"))) {
      return files.anyMatch(p -> p.getFileName().toString().equals("model.onnx"));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static long sizeOf(Path p) {
    try {
      return Files.size(p);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void pruneFreesWhatRemovedVersionsUsed() throws Exception {
    assertEquals(0, gpux("pull", "hf:acme/digits").exitCode());
    assertEquals(0, gpux("rm", "hf:acme/digits").exitCode());
    CliResult dry = gpux("prune", "--dry-run", "--json");
    assertEquals(0, dry.exitCode(), dry.toString());
    // Freshly written blobs are protected for an hour (a pull may be about to use them).
    assertEquals(0, MAPPER.readTree(dry.out()).get("blobs").size());
  }

  @Test
  void dfAndPruneSayWhatTheGracePeriodKeepsAndPruneNowFreesIt() throws Exception {
    assertEquals(0, gpux("pull", "hf:acme/digits").exitCode());
    assertEquals(0, gpux("rm", "hf:acme/digits").exitCode());
    CliResult df = gpux("df");
    assertEquals(0, df.exitCode(), df.toString());
    assertTrue(df.out().contains("Reclaimable now: 0 B with gpux prune"), df.out());
    assertTrue(
        df.out()
            .matches("(?s).*Kept for now: .* in \\d+ unused file\\(s\\) less than an hour old.*"),
        df.out());
    assertTrue(df.out().contains("gpux prune --now at once"), df.out());
    JsonNode dfJson = MAPPER.readTree(gpux("df", "--json").out());
    assertEquals(0, dfJson.get("reclaimable_bytes").asLong(), dfJson.toString());
    long kept = dfJson.get("kept_bytes").asLong();
    assertTrue(kept > 0, dfJson.toString());

    CliResult prune = gpux("prune");
    assertEquals(0, prune.exitCode(), prune.toString());
    assertTrue(prune.out().startsWith("Freed 0 B: 0 unused file(s)"), prune.out());
    assertTrue(prune.out().contains("less than an hour old"), prune.out());
    assertTrue(prune.out().matches("(?s).*frees them after \\S+ \\(in [^)]+\\).*"), prune.out());
    assertTrue(prune.out().contains("`gpux prune --now` at once"), prune.out());

    JsonNode now = MAPPER.readTree(gpux("prune", "--now", "--json").out());
    assertEquals(kept, now.get("bytes").asLong(), now.toString());
    assertEquals(0, now.get("kept").get("files").asInt(), now.toString());
    JsonNode after = MAPPER.readTree(gpux("df", "--json").out());
    assertEquals(0, after.get("store_bytes").asLong(), after.toString());
    assertEquals(0, after.get("kept_bytes").asLong(), after.toString());
  }
}
