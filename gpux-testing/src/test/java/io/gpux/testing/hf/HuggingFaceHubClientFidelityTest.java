package io.gpux.testing.hf;

import static io.gpux.testing.hf.JsonValues.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.gpux.testing.OnnxModels;
import io.gpux.testing.Slow;
import io.gpux.testing.TokenizerFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proof that {@link FakeHfHub} is faithful: the official {@code huggingface_hub} client (pinned in
 * python/requirements.txt) downloads, lists and reads metadata from it through {@code
 * python/hf_fidelity.py}, and gets exactly the fixture: the same bytes, the same blob ids, sizes,
 * LFS digests, refs, commits and card data, with the typed errors the real Hub provokes. Expected
 * digests are computed here from the fixture bytes, not read back from the fake.
 *
 * <p>Needs the repo's Python environment ({@code bash python/setup-venv.sh}, or {@code
 * GPUX_PYTHON}); without it the test is skipped, unless {@code GPUX_REQUIRE_REFERENCE=1}.
 */
@Slow
class HuggingFaceHubClientFidelityTest {
  private static final String REPO = "acme/tiny-bert";
  private static final int EMBEDDINGS = 750_000;

  /** huggingface_hub's DOWNLOAD_CHUNK_SIZE: what it has written when a connection breaks. */
  private static final int CLIENT_CHUNK = 10 * 1024 * 1024;

  @TempDir Path dir;

  @Test
  void officialClientDownloadsListsAndDescribesExactlyTheFixture() throws Exception {
    Path python = python();
    try (FakeHfHub hub = FakeHfHub.start().pageSize(2)) {
      Fixture fx = fixture(hub, REPO);
      for (int i = 0; i < 5; i++) {
        hub.repo("acme/other-" + i).file("config.json", "{\"n\": " + i + "}").commit("c");
      }
      hub.repo("acme/gated").file("config.json", "{}").gated("hf_granted").commit("g");
      // The external data's first download breaks after 11 MB; the client's ranged retry is then
      // answered with the whole file, which it must take from the start.
      hub.faults()
          .next("onnx/model.onnx_data", Fault.dropAfter(11_000_000))
          .next("onnx/model.onnx_data", Fault.ignoreRange());

      Map<String, Object> report =
          run(
              python,
              hub,
              "--repo",
              REPO,
              "--gated",
              "acme/gated",
              "--commits",
              "--filter",
              "onnx");

      assertSnapshot(report, fx.main, fx.head);
      assertEquals(fx.head, at(report, "hf_hub_download", "commit"));
      assertEquals(sha256(fx.main.get("config.json")), at(report, "hf_hub_download", "sha256"));

      assertEquals(REPO, at(report, "info", "id"));
      assertEquals(fx.head, at(report, "info", "sha"));
      assertEquals("acme", at(report, "info", "author"));
      assertEquals(false, at(report, "info", "private"));
      assertEquals(false, at(report, "info", "gated"));
      assertEquals(1234L, at(report, "info", "downloads"));
      assertEquals(56L, at(report, "info", "likes"));
      assertEquals("feature-extraction", at(report, "info", "pipeline_tag"));
      assertEquals("onnx", at(report, "info", "library_name"));
      assertEquals(
          List.of("onnx", "feature-extraction", "license:mit"), at(report, "info", "tags"));
      assertEquals("mit", at(report, "info", "card_data", "license"));
      assertEquals(List.of("en"), at(report, "info", "card_data", "language"));
      assertEquals("bert", at(report, "info", "config", "model_type"));
      assertEquals("2024-05-01T12:00:00.000Z", at(report, "info", "created_at"));
      assertEquals("2024-05-01T14:00:00.000Z", at(report, "info", "last_modified"));
      assertEquals(expectedEntries(fx.main, fx.lfs), at(report, "info", "siblings"));

      assertEquals(Map.of("main", fx.head), at(report, "refs", "branches"));
      assertEquals(Map.of("v1", fx.first), at(report, "refs", "tags"));
      assertEquals(Map.of(), at(report, "refs", "converts"));
      assertEquals(Map.of("refs/pr/1", fx.pr), at(report, "refs", "pull_requests"));

      Map<String, Object> tree = new TreeMap<>(expectedEntries(fx.main, fx.lfs));
      tree.values().forEach(v -> map(v).put("type", "file"));
      Map<String, Object> listedTree = new TreeMap<>(map(at(report, "tree")));
      Map<String, Object> folder = map(listedTree.remove("onnx"));
      assertEquals("directory", folder.get("type"), "folders are listed as directories");
      assertEquals(tree, listedTree);

      List<?> commits = (List<?>) at(report, "commits");
      assertEquals(2, commits.size());
      assertEquals(fx.head, at(commits, 0, "id"));
      assertEquals("Update the model card", at(commits, 0, "title"));
      assertEquals("It says what the model is for.", at(commits, 0, "message"));
      assertEquals("2024-05-01T14:00:00.000Z", at(commits, 0, "created_at"));
      assertEquals(fx.first, at(commits, 1, "id"));
      assertEquals(List.of("gpux-test"), at(commits, 1, "authors"));

      List<String> acme = new ArrayList<>();
      acme.add("acme/gated");
      for (int i = 0; i < 5; i++) {
        acme.add("acme/other-" + i);
      }
      acme.add(REPO);
      assertEquals(acme, at(report, "listed"), "list_models followed every page, in order");
      assertEquals(List.of(REPO), at(report, "listed_by_filter"));
      long modelPages = hub.requests().stream().filter(r -> r.path().equals("/api/models")).count();
      assertTrue(modelPages >= 4, "7 models in pages of 2 take 4 requests, saw " + modelPages);
      assertNull(at(report, "whoami"));

      assertError(report, "missing_file", "RemoteEntryNotFoundError", "EntryNotFoundError");
      assertError(report, "missing_revision", "RevisionNotFoundError", "HfHubHTTPError");
      assertError(report, "missing_revision_info", "RevisionNotFoundError", "HfHubHTTPError");
      assertError(report, "missing_repo", "RepositoryNotFoundError", "HfHubHTTPError");
      assertError(report, "gated", "GatedRepoError", "RepositoryNotFoundError");
      assertError(report, "gated_snapshot", "GatedRepoError", "RepositoryNotFoundError");

      String modelCdn = "/cdn/" + sha256(fx.main.get("onnx/model.onnx_data"));
      assertEquals(
          java.util.Arrays.asList(null, "bytes=" + CLIENT_CHUNK + "-"),
          hub.requests().stream()
              .filter(r -> r.method().equals("GET") && r.path().equals(modelCdn))
              .map(RecordedRequest::range)
              .toList(),
          "the client resumed the dropped download with a Range request");
      assertEquals(0, hub.faults().pending());
      for (String path : fx.lfs) {
        String cdnPath = "/cdn/" + sha256(fx.main.get(path));
        assertTrue(
            hub.requests().stream()
                .anyMatch(r -> r.method().equals("GET") && r.path().equals(cdnPath)),
            path + " was downloaded from the CDN the redirect named");
      }
      assertTrue(
          hub.unknownRoutes().isEmpty(),
          "the client called routes the fake does not know: " + hub.unknownRoutes());
    }
  }

  @Test
  void officialClientReadsPrivateRepoAtTagWithTokenAndKeepsTokenOffTheCdn() throws Exception {
    Path python = python();
    try (FakeHfHub hub = FakeHfHub.start().pageSize(2).cdnHost("localhost")) {
      hub.user("hf_secret", "alice");
      Fixture fx = fixture(hub, "acme/private-bert");
      hub.repo("acme/private-bert").privateRepo("hf_secret");
      hub.repo("acme/gated").file("config.json", "{}").gated("hf_other").commit("g");

      Map<String, Object> report =
          run(
              python,
              hub,
              "--repo",
              "acme/private-bert",
              "--revision",
              "v1",
              "--token",
              "hf_secret",
              "--file",
              "onnx/model.onnx",
              "--gated",
              "acme/gated");

      assertSnapshot(report, fx.first1, fx.first);
      assertEquals(fx.first, at(report, "hf_hub_download", "commit"));
      assertEquals(
          sha256(fx.first1.get("onnx/model.onnx")), at(report, "hf_hub_download", "sha256"));
      assertEquals(fx.first, at(report, "info", "sha"));
      assertEquals(true, at(report, "info", "private"));
      assertEquals(expectedEntries(fx.first1, fx.lfs), at(report, "info", "siblings"));
      assertEquals("alice", at(report, "whoami"));
      assertEquals(List.of("acme/gated", "acme/private-bert"), at(report, "listed"));
      assertError(report, "gated", "GatedRepoError", "RepositoryNotFoundError");

      List<RecordedRequest> cdn = hub.requests().stream().filter(RecordedRequest::isCdn).toList();
      assertFalse(cdn.isEmpty(), "LFS files came from the CDN");
      cdn.forEach(r -> assertEquals("localhost", r.host(), r.toString()));
      cdn.forEach(r -> assertNull(r.authorization(), "no token sent to the CDN host: " + r));
      hub.requests().stream()
          .filter(r -> r.path().startsWith("/api/models/acme/private-bert"))
          .forEach(r -> assertEquals("Bearer hf_secret", r.authorization(), r.toString()));
      assertTrue(hub.unknownRoutes().isEmpty(), "unknown routes: " + hub.unknownRoutes());
    }
  }

  /** The files of the realistic repo, at both commits, and what the test expects of them. */
  private static final class Fixture {
    Map<String, byte[]> first1;
    Map<String, byte[]> main;
    List<String> lfs = List.of("onnx/model.onnx", "onnx/model.onnx_data");
    String first;
    String head;
    String pr;
  }

  private Fixture fixture(FakeHfHub hub, String id) throws Exception {
    Path src = Files.createTempDirectory(dir, "src");
    // An embedding table in external data, 12 MB: more than the client's 10 MiB read chunk, so
    // a download broken past that point resumes with a Range request.
    float[] table = new float[EMBEDDINGS * 4];
    for (int i = 0; i < table.length; i++) {
      table[i] = i % 1000;
    }
    Path model =
        OnnxModels.builder()
            .input("ids", "int64", "batch")
            .externalInitializer(
                "embeddings", "float32", new long[] {EMBEDDINGS, 4}, table, "model.onnx_data")
            .node("Gather", List.of("embeddings", "ids"), List.of("y"))
            .output("y", "float32", "batch", 4)
            .writeTo(src.resolve("model.onnx"));
    Path tokenizer =
        TokenizerFiles.wordPiece(src.resolve("tokenizer.json"), List.of("hello", "world"));
    Fixture fx = new Fixture();
    fx.first1 = new LinkedHashMap<>();
    fx.first1.put("config.json", utf8("{\"model_type\": \"bert\", \"hidden_size\": 4}\n"));
    fx.first1.put("tokenizer.json", Files.readAllBytes(tokenizer));
    fx.first1.put("onnx/model.onnx", Files.readAllBytes(model));
    fx.first1.put("onnx/model.onnx_data", Files.readAllBytes(src.resolve("model.onnx_data")));
    fx.first1.put("README.md", utf8("---\nlicense: mit\n---\n# tiny-bert\n"));
    FakeRepo repo =
        hub.repo(id)
            .pipelineTag("feature-extraction")
            .libraryName("onnx")
            .tags("onnx", "feature-extraction", "license:mit")
            .downloads(1234)
            .likes(56)
            .config("{\"model_type\": \"bert\", \"architectures\": [\"BertModel\"]}")
            .cardData("{\"license\": \"mit\", \"language\": [\"en\"]}")
            .createdAt(Instant.parse("2024-05-01T12:00:00Z"));
    fx.first1.forEach(
        (path, bytes) -> {
          if (fx.lfs.contains(path)) {
            repo.lfsFile(path, bytes);
          } else {
            repo.file(path, bytes);
          }
        });
    fx.first = repo.commit("Add the model");
    repo.tag("v1");
    fx.main = new LinkedHashMap<>(fx.first1);
    fx.main.put("README.md", utf8("---\nlicense: mit\n---\n# tiny-bert\nFeature extraction.\n"));
    repo.file("README.md", fx.main.get("README.md"));
    fx.head = repo.commit("Update the model card\n\nIt says what the model is for.");
    fx.pr = repo.file("NOTES.md", "draft").pullRequest("Draft notes");
    return fx;
  }

  private static void assertSnapshot(
      Map<String, Object> report, Map<String, byte[]> files, String commit) throws Exception {
    Map<String, Object> want = new TreeMap<>();
    Map<String, Object> blobs = new TreeMap<>();
    for (Map.Entry<String, byte[]> e : files.entrySet()) {
      want.put(e.getKey(), sha256(e.getValue()));
      boolean lfs = e.getKey().startsWith("onnx/");
      // The client names cache blobs after the ETag: sha256 for LFS, the git blob id otherwise.
      blobs.put(e.getKey(), lfs ? sha256(e.getValue()) : gitBlob(e.getValue()));
    }
    assertEquals(want, new TreeMap<>(map(at(report, "snapshot_files"))), "snapshot bytes");
    assertEquals(blobs, new TreeMap<>(map(at(report, "snapshot_blobs"))), "cache blob names");
    assertEquals(commit, at(report, "snapshot_commit"));
  }

  /** What model_info(files_metadata=True) and list_repo_tree report per file. */
  private static Map<String, Object> expectedEntries(Map<String, byte[]> files, List<String> lfs)
      throws Exception {
    Map<String, Object> out = new TreeMap<>();
    for (Map.Entry<String, byte[]> e : files.entrySet()) {
      byte[] b = e.getValue();
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("size", (long) b.length);
      boolean isLfs = lfs.contains(e.getKey());
      String pointer =
          "version https://git-lfs.github.com/spec/v1\noid sha256:"
              + sha256(b)
              + "\nsize "
              + b.length
              + "\n";
      m.put("blob_id", isLfs ? gitBlob(utf8(pointer)) : gitBlob(b));
      m.put("lfs_sha256", isLfs ? sha256(b) : null);
      m.put("lfs_size", isLfs ? (Object) (long) b.length : null);
      m.put("lfs_pointer_size", isLfs ? (Object) (long) utf8(pointer).length : null);
      out.put(e.getKey(), m);
    }
    return out;
  }

  private static void assertError(
      Map<String, Object> report, String key, String type, String base) {
    assertEquals(type, at(report, "errors", key), key);
    assertTrue(((List<?>) at(report, "error_bases", key)).contains(base), key + " is a " + base);
  }

  private Map<String, Object> run(Path python, FakeHfHub hub, String... args) throws Exception {
    Path out = Files.createTempDirectory(dir, "report");
    List<String> cmd =
        new ArrayList<>(
            List.of(
                python.toString(),
                RepoRoot.get().resolve("python/hf_fidelity.py").toString(),
                "--endpoint",
                hub.url(),
                "--out",
                out.toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
      fail("hf_fidelity.py failed:\n" + log + "\nunknown routes: " + hub.unknownRoutes());
    }
    return JsonValues.object(Files.readString(out.resolve("report.json")));
  }

  /** The repo's Python; skips without it, unless GPUX_REQUIRE_REFERENCE=1 makes that a failure. */
  private static Path python() {
    String configured = System.getenv("GPUX_PYTHON");
    Path python =
        configured != null ? Path.of(configured) : RepoRoot.get().resolve(".venv/bin/python");
    boolean present = Files.isExecutable(python);
    String why = "no Python environment at " + python + " (run: bash python/setup-venv.sh)";
    if (!present && "1".equals(System.getenv("GPUX_REQUIRE_REFERENCE"))) {
      fail(why + ", and GPUX_REQUIRE_REFERENCE=1");
    }
    Assumptions.assumeTrue(present, why);
    return python;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return (Map<String, Object>) o;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  static String gitBlob(byte[] b) throws Exception {
    MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
    sha1.update(("blob " + b.length + "\0").getBytes(StandardCharsets.US_ASCII));
    return HexFormat.of().formatHex(sha1.digest(b));
  }
}
