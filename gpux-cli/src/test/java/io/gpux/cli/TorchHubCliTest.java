package io.gpux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gpux.testing.PythonEnv;
import io.gpux.testing.RepoFiles;
import io.gpux.testing.Slow;
import io.gpux.testing.torchhub.FakeGitHub;
import io.gpux.testing.torchhub.HubRepos;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code torchhub:} references and {@code gpux convert --framework pytorch} as a user types them,
 * against the GitHub stand-in, converting in the PyTorch environment bin/test made ({@code
 * .venv-pytorch}). Fidelity: the official {@code torch.hub.load(dir, entry, source='local')} on the
 * archive the stand-in serves, extracted, gives what {@code gpux run torchhub:...} gives.
 */
@Slow
class TorchHubCliTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  @TempDir static Path shared;
  @TempDir Path home;
  @TempDir Path cwd;
  private FakeGitHub github;
  private final Map<String, String> env = new HashMap<>();
  private String v1;

  @BeforeAll
  static void needsPyTorch() throws Exception {
    PythonEnv.python("pytorch");
    // Seeded inputs, batch 2: the exported model's batch dimension must be dynamic.
    Random random = new Random(42);
    StringBuilder sb = new StringBuilder("{\"x\": [");
    for (int b = 0; b < 2; b++) {
      sb.append(b == 0 ? "" : ",").append('[');
      for (int c = 0; c < 3; c++) {
        sb.append(c == 0 ? "" : ",").append('[');
        for (int h = 0; h < 16; h++) {
          sb.append(h == 0 ? "" : ",").append('[');
          for (int w = 0; w < 16; w++) {
            sb.append(w == 0 ? "" : ",").append((float) random.nextGaussian());
          }
          sb.append(']');
        }
        sb.append(']');
      }
      sb.append(']');
    }
    Files.writeString(shared.resolve("input.json"), sb.append("]}").toString());
  }

  @BeforeEach
  void start() {
    github = FakeGitHub.start().pageSize(2);
    FakeGitHub.Repo repo = github.repo("someone", "hub");
    v1 = repo.push("main", HubRepos.tinyCnn(1));
    repo.branch("dev", v1).tag("v1.0", v1);
    github.repo("someone", "deps").push("main", HubRepos.missingDependencies());
    env.putAll(github.env());
    env.put("GPUX_HOME", home.toString());
    env.put("GITHUB_TOKEN", "ghp_cliTestSecret0123456789");
    env.put("GPUX_PYTHON_ENV_PYTORCH", RepoFiles.root().resolve(".venv-pytorch").toString());
  }

  @AfterEach
  void stop() {
    github.close();
    assertEquals(List.of(), github.unknownRequests(), "requests GitHub does not serve");
  }

  private CliResult gpux(String... args) {
    return CliResult.run(cwd, env, args);
  }

  private static void assertCleanError(CliResult r, int code, String problem, String hint) {
    assertEquals(code, r.exitCode(), r.toString());
    assertTrue(r.err().contains("gpux: error: "), r.toString());
    assertTrue(r.err().contains(problem), "expected problem '" + problem + "' in\n" + r);
    assertTrue(r.err().contains(hint), "expected hint '" + hint + "' in\n" + r);
    assertFalse(r.err().contains("\tat "), "no stack trace without --debug:\n" + r);
  }

  /** The archive GitHub serves, extracted as torch.hub extracts it: its one top-level folder. */
  private Path extracted(String sha) throws Exception {
    Path dir = Files.createTempDirectory(cwd, "extracted");
    Path top = null;
    try (ZipInputStream z =
        new ZipInputStream(new ByteArrayInputStream(github.zipball("someone", "hub", sha)))) {
      for (ZipEntry e; (e = z.getNextEntry()) != null; ) {
        Path p = dir.resolve(e.getName());
        if (top == null) {
          top = dir.resolve(e.getName().split("/")[0]);
        }
        if (e.isDirectory()) {
          Files.createDirectories(p);
        } else {
          Files.createDirectories(p.getParent());
          Files.write(p, z.readAllBytes());
        }
      }
    }
    return top;
  }

  private JsonNode torchHubLoad(Path repo, String entry, String kwargs, String torchscript)
      throws Exception {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(repo.toString(), entry, kwargs, shared.resolve("input.json").toString()));
    if (torchscript != null) {
      args.add(torchscript);
    }
    String out = PythonEnv.run("pytorch", "torchhub_fidelity.py", args);
    String[] lines = out.strip().split("\n");
    return MAPPER.readTree(lines[lines.length - 1]);
  }

  private static void assertClose(JsonNode want, JsonNode got, String what) {
    assertEquals(want.size(), got.size(), what + ": " + got);
    for (int i = 0; i < want.size(); i++) {
      if (want.get(i).isArray()) {
        assertClose(want.get(i), got.get(i), what);
      } else {
        assertEquals(want.get(i).asDouble(), got.get(i).asDouble(), 1e-4, what + ": " + got);
      }
    }
  }

  @Test
  void pullThenRunGivesWhatTorchHubLoadGives() throws Exception {
    CliResult refused = gpux("pull", "torchhub:someone/hub/tiny_cnn", "--arg", "num_classes=3");
    assertCleanError(refused, 2, "torchhub:someone/hub is not trusted", "--trust");

    CliResult pull =
        gpux("pull", "torchhub:someone/hub/tiny_cnn", "--arg", "num_classes=3", "--trust");
    assertEquals(0, pull.exitCode(), pull.toString());
    assertTrue(
        pull.out().contains("torchhub:someone/hub:" + v1 + "/tiny_cnn?num_classes=3"), pull.out());
    CliResult run =
        gpux(
            "run",
            "torchhub:someone/hub/tiny_cnn?num_classes=3",
            "--file",
            shared.resolve("input.json").toString());
    assertEquals(0, run.exitCode(), run.toString());
    JsonNode got = MAPPER.readTree(run.out());
    JsonNode want = torchHubLoad(extracted(v1), "tiny_cnn", "{\"num_classes\": 3}", null);
    assertEquals(2, got.get("output").size(), "batch 2 through the dynamic batch: " + run.out());
    assertEquals(3, got.get("output").get(0).size(), run.out());
    assertClose(want.get("output"), got.get("output"), "gpux run vs torch.hub.load");

    CliResult lineage = gpux("lineage", "torchhub:someone/hub/tiny_cnn?num_classes=3");
    assertEquals(0, lineage.exitCode(), lineage.toString());
    for (String line :
        List.of(
            "torchhub.commit",
            v1,
            "torchhub.entrypoint",
            "num_classes=3",
            "torch.onnx.dynamo",
            "passed")) {
      assertTrue(lineage.out().contains(line), line + " in\n" + lineage.out());
    }
    // The trust was remembered: the same repository pulls again without --trust.
    CliResult again = gpux("pull", "torchhub:someone/hub:dev/two_heads");
    assertEquals(0, again.exitCode(), again.toString());
    CliResult heads =
        gpux(
            "run",
            "torchhub:someone/hub:dev/two_heads",
            "--file",
            shared.resolve("input.json").toString());
    assertEquals(0, heads.exitCode(), heads.toString());
    JsonNode two = MAPPER.readTree(heads.out());
    JsonNode wantTwo = torchHubLoad(extracted(v1), "two_heads", "{}", null);
    assertClose(wantTwo.get("logits"), two.get("logits"), "logits");
    assertClose(wantTwo.get("probabilities"), two.get("probabilities"), "probabilities");
  }

  @Test
  void aMissingEntrypointListsTheEntrypoints() {
    CliResult r = gpux("pull", "torchhub:someone/hub/nope", "--trust");
    assertCleanError(
        r, 2, "the repository has no entrypoint 'nope'; its entrypoints: ", "two_heads");
    assertTrue(r.err().contains("svd_model, tiny_cnn, two_heads"), r.toString());
    assertFalse(r.err().contains("_helper"), r.toString());
  }

  @Test
  void missingHubDependenciesAreNamed() {
    CliResult r = gpux("pull", "torchhub:someone/deps/model", "--trust");
    assertCleanError(
        r, 2, "needs gpux_no_such_module, another_missing_module", "gpux convert --help");
  }

  @Test
  void anExportNeitherExporterCanDoSaysWhyWithTheShapesTried() {
    CliResult r = gpux("pull", "torchhub:someone/hub/svd_model", "--trust");
    assertCleanError(r, 1, "neither exporter could export it with inputs x=2x4x4", "--input-shape");
    assertTrue(r.err().contains("dynamo: ") && r.err().contains("torchscript: "), r.toString());
    assertTrue(r.err().contains("linalg_svd"), r.toString());
  }

  @Test
  void aRefNotInTheRepositoryAndOffline() {
    assertCleanError(
        gpux("pull", "torchhub:someone/hub:v9/tiny_cnn", "--trust"),
        2,
        "torchhub:someone/hub has no branch, tag or commit 'v9'",
        "gpux versions torchhub:someone/hub");
    env.put("GPUX_OFFLINE", "1");
    CliResult offline = gpux("pull", "torchhub:someone/hub/tiny_cnn", "--trust");
    assertEquals(3, offline.exitCode(), offline.toString());
    assertTrue(offline.err().toLowerCase(java.util.Locale.ROOT).contains("offline"), offline.err());
    assertFalse(offline.err().contains("\tat "), offline.toString());
  }

  @Test
  void aTamperedExportFailsItsCheckAndNothingIsStored() {
    env.put(io.gpux.convert.ModelConverter.TAMPER_VARIABLE, "1");
    CliResult r = gpux("pull", "torchhub:someone/hub/tiny_cnn", "--trust");
    assertCleanError(r, 1, "the converted model failed its check", "--atol");
    env.remove(io.gpux.convert.ModelConverter.TAMPER_VARIABLE);
    CliResult list = gpux("list");
    assertFalse(list.out().contains("someone/hub"), list.toString());
  }

  @Test
  void versionsThenOutdatedAndUpdateAfterTheBranchMoves() throws Exception {
    CliResult versions = gpux("versions", "torchhub:someone/hub");
    assertEquals(0, versions.exitCode(), versions.toString());
    assertTrue(versions.out().contains(v1.substring(0, 12)), versions.out());
    assertTrue(versions.out().contains("main") && versions.out().contains("v1.0"), versions.out());

    assertEquals(0, gpux("pull", "torchhub:someone/hub:dev/tiny_cnn", "--trust").exitCode());
    CliResult current = gpux("outdated", "torchhub:someone/hub:dev/tiny_cnn");
    assertEquals(0, current.exitCode(), current.toString());
    String v2 = github.repo("someone", "hub").push("dev", HubRepos.tinyCnn(2));
    CliResult outdated = gpux("outdated", "torchhub:someone/hub:dev/tiny_cnn", "--json");
    assertTrue(outdated.out().contains(v2), outdated.toString());
    assertTrue(outdated.out().contains("outdated"), outdated.toString());
    CliResult update = gpux("update", "torchhub:someone/hub:dev/tiny_cnn");
    assertEquals(0, update.exitCode(), update.toString());
    CliResult run =
        gpux(
            "run",
            "torchhub:someone/hub:dev/tiny_cnn",
            "--file",
            shared.resolve("input.json").toString());
    assertEquals(0, run.exitCode(), run.toString());
    JsonNode want = torchHubLoad(extracted(v2), "tiny_cnn", "{}", null);
    assertClose(want.get("output"), MAPPER.readTree(run.out()).get("output"), "after update");
  }

  @Test
  void convertATorchScriptFileAndAHubFolder() throws Exception {
    Path repo = extracted(v1);
    Path pt = cwd.resolve("tiny.pt");
    JsonNode want = torchHubLoad(repo, "tiny_cnn", "{\"num_classes\": 4}", pt.toString());
    CliResult c =
        gpux(
            "convert",
            "--framework",
            "pytorch",
            "tiny.pt",
            "--input-shape",
            "x=1x3x16x16",
            "-o",
            "ts-onnx",
            "--json");
    assertEquals(0, c.exitCode(), c.toString());
    JsonNode r = MAPPER.readTree(c.out()).get("conversion");
    assertTrue(r.get("passed").asBoolean(), c.out());
    assertEquals("pytorch", r.get("framework").asText());
    assertTrue(r.get("converter").asText().startsWith("torch.onnx."), c.out());
    CliResult run = gpux("run", "ts-onnx", "--file", shared.resolve("input.json").toString());
    assertEquals(0, run.exitCode(), run.toString());
    assertClose(want.get("output"), MAPPER.readTree(run.out()).get("output"), "TorchScript");

    assertCleanError(
        gpux("convert", repo.toString(), "--entrypoint", "tiny_cnn", "-o", "hub-onnx"),
        2,
        "is a PyTorch Hub repository: converting it runs its hubconf.py",
        "--trust");
    CliResult hub =
        gpux(
            "convert",
            repo.toString(),
            "--entrypoint",
            "tiny_cnn",
            "--arg",
            "num_classes=4",
            "--trust",
            "-o",
            "hub-onnx");
    assertEquals(0, hub.exitCode(), hub.toString());
    assertTrue(hub.out().contains("by torch.onnx.dynamo"), hub.out());
    CliResult hubRun = gpux("run", "hub-onnx", "--file", shared.resolve("input.json").toString());
    assertClose(want.get("output"), MAPPER.readTree(hubRun.out()).get("output"), "hub folder");
  }

  /**
   * Every command of docs/registries/pytorch-hub.md, in the doc's order, as a user types it,
   * against stand-ins for the repositories it names; the errors it shows are the errors gpux gives.
   */
  @Test
  void theDocsCommandsRunAsShown() throws Exception {
    FakeGitHub.Repo vision = github.repo("pytorch", "vision");
    String sha = vision.push("main", HubRepos.visionLike());
    vision.tag("v0.29.2", sha);
    github.repo("stranger", "hub").push("main", HubRepos.tinyCnn(1));
    StringBuilder image = new StringBuilder("{\"x\": [[");
    Random random = new Random(3);
    for (int c = 0; c < 3; c++) {
      image.append(c == 0 ? "" : ",").append('[');
      for (int h = 0; h < 224; h++) {
        image.append(h == 0 ? "" : ",").append('[');
        for (int w = 0; w < 224; w++) {
          image.append(w == 0 ? "" : ",").append(Math.round(random.nextGaussian() * 100) / 100.0);
        }
        image.append(']');
      }
      image.append(']');
    }
    Files.writeString(cwd.resolve("image.json"), image.append("]]}").toString());
    int ran = 0;
    for (DocCommandsTest.DocLine d : DocCommandsTest.docLines(RepoFiles.root())) {
      if (!d.file().equals("docs/registries/pytorch-hub.md")
          || DocCommandsTest.synopsis(d.text())) {
        continue;
      }
      List<String> args = DocCommandsTest.words(d.text());
      args.remove(0);
      CliResult r = gpux(args.toArray(String[]::new));
      if (String.join("\n", d.output()).contains("gpux: error:")) {
        assertTrue(r.exitCode() != 0, d + "\n" + r);
        for (String l : d.output()) {
          assertTrue(r.err().contains(l), d + ": the doc shows\n" + l + "\nbut gpux said\n" + r);
        }
      } else {
        assertEquals(0, r.exitCode(), d + "\n" + r);
      }
      ran++;
    }
    assertEquals(8, ran, "the doc's commands");
  }

  @Test
  void helpOfTheTouchedCommandsAsAUserTypesIt() {
    CliResult pull = gpux("pull", "--help");
    assertEquals(0, pull.exitCode(), pull.toString());
    assertTrue(pull.out().contains("--trust") && pull.out().contains("--arg"), pull.out());
    assertTrue(pull.out().contains("torchhub:OWNER/REPO[:REF]/ENTRYPOINT"), pull.out());
    CliResult convert = gpux("convert", "--help");
    assertEquals(0, convert.exitCode(), convert.toString());
    for (String s : List.of("--entrypoint", "--arg", "--trust", "pytorch")) {
      assertTrue(convert.out().contains(s), s + " in\n" + convert.out());
    }
    assertCleanError(
        gpux("pull", "hf:org/model", "--arg", "x=1"), 2, "--arg passes PyTorch Hub", "torchhub:");
  }
}
