package io.gpux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gpux.testing.RepoFiles;
import io.gpux.testing.Slow;
import io.gpux.testing.mlflow.MlflowServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GPUX workspaces pointed at the workspaces of a real {@code mlflow server --enable-workspaces}:
 * two MLflow workspaces hold different models named {@code scorer}, each GPUX workspace sees and
 * pulls only its own, what it pulls is what the official client (with {@code MLFLOW_WORKSPACE})
 * downloads, both keep their own {@code scorer/1} in one store (blobs shared where equal), and the
 * commands of docs/registries/mlflow.md's Workspaces section run as shown.
 */
@Slow
class MlflowWorkspacesTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static MlflowServer server;
  private static JsonNode fixture;
  @TempDir static Path serverDir;
  @TempDir Path home;
  @TempDir Path cwd;

  /**
   * A server of this class's own (the shared one has no workspaces): in fraud-team, scorer 1 adds
   * 1; in ranking-team, scorer 1 and 2 add 2.
   */
  @BeforeAll
  static void start() throws Exception {
    server = MlflowServer.startWithWorkspaces(serverDir);
    fixture = MAPPER.readTree(server.fixture("workspaces", "scorer", "fraud-team", "ranking-team"));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  private Map<String, String> env() {
    Map<String, String> env = new HashMap<>(server.clientEnv());
    env.put("GPUX_HOME", home.toString());
    return env;
  }

  private CliResult gpux(String... args) {
    return CliResult.run(cwd, env(), args);
  }

  @Test
  void theDocumentedCommandsRunAsShown() throws Exception {
    Path doc = RepoFiles.root().resolve("docs/registries/mlflow.md");
    List<String> text = Files.readAllLines(doc);
    int from = text.indexOf("## Workspaces") + 1;
    int to = from;
    while (to < text.size() && !text.get(to).startsWith("## ")) {
      to++;
    }
    int ran = 0;
    for (DocCommandsTest.DocLine d : DocCommandsTest.docLines(RepoFiles.root())) {
      if (!d.file().equals("docs/registries/mlflow.md") || d.line() <= from || d.line() > to) {
        continue;
      }
      List<String> w = DocCommandsTest.words(d.text());
      CliResult r = gpux(w.subList(1, w.size()).toArray(String[]::new));
      if (String.join("\n", d.output()).contains("gpux: error:")) {
        assertEquals(2, r.exitCode(), d + "\n" + r);
        for (String l : d.output()) {
          assertTrue(r.err().contains(l), d + ": the doc shows\n" + l + "\nbut\n" + r);
        }
      } else {
        assertEquals(0, r.exitCode(), d + "\n" + r);
        for (String l : d.output()) {
          assertTrue(r.out().contains(l), d + ": the doc shows\n" + l + "\nbut\n" + r);
        }
      }
      ran++;
    }
    assertEquals(11, ran, "the Workspaces section's commands ran");
    // What the doc's runs did: each GPUX workspace has its own MLflow workspace's scorer.
    assertEquals(2.0, y("fraud", "mlflow:scorer"), 1e-6);
    assertEquals(3.0, y("ranking", "mlflow:scorer"), 1e-6);
    CliResult inspect = gpux("--workspace", "ranking", "inspect", "mlflow:scorer");
    assertTrue(inspect.out().contains("mlflow.workspace = ranking-team"), inspect.toString());
    assertTrue(inspect.out().contains("?workspace=ranking-team"), inspect.toString());
  }

  private static final String X = "{\"x\": [[1, 2, 3, 4]]}";

  /**
   * The first output of {@code gpux [--workspace W] run REF} on {@link #X}: 1 plus what it adds.
   */
  private double y(String workspace, String ref) throws Exception {
    CliResult run = gpux("--workspace", workspace, "run", ref, "--input", X, "--json", "-q");
    assertEquals(0, run.exitCode(), run.toString());
    return MAPPER.readTree(run.out()).get("y").get(0).get(0).asDouble();
  }

  @Test
  void eachWorkspaceSeesOnlyItsOwnModelAndPullsWhatTheOfficialClientDownloads() throws Exception {
    assertEquals("[\"1\"]", fixture.get("fraud-team").get("versions").toString());
    assertEquals("[\"1\",\"2\"]", fixture.get("ranking-team").get("versions").toString());
    assertEquals(0, gpux("workspace", "create", "a").exitCode());
    assertEquals(0, gpux("workspace", "create", "b").exitCode());
    assertEquals(
        0,
        gpux("--workspace", "a", "workspace", "set", "mlflow.workspace", "fraud-team").exitCode());
    assertEquals(
        0,
        gpux("--workspace", "b", "workspace", "set", "mlflow.workspace", "ranking-team")
            .exitCode());

    assertEquals(
        List.of("1"), versions(gpux("--workspace", "a", "versions", "mlflow:scorer", "--json")));
    assertEquals(
        List.of("2", "1"),
        versions(gpux("--workspace", "b", "versions", "mlflow:scorer", "--json")));
    CliResult search = gpux("--workspace", "b", "search", "-r", "mlflow", "scorer", "--json");
    assertEquals(0, search.exitCode(), search.toString());
    assertEquals("mlflow:scorer", MAPPER.readTree(search.out()).get(0).get("reference").asText());
    // The default GPUX workspace sets none: the server's default MLflow workspace has no scorer.
    CliResult none = gpux("versions", "mlflow:scorer");
    assertEquals(2, none.exitCode(), none.toString());
    assertTrue(none.err().contains("no registered model 'scorer'"), none.toString());
    assertTrue(none.err().contains(server.url()), none.toString());
    // The variable does what the setting does; the setting wins over it.
    Map<String, String> env = env();
    env.put("MLFLOW_WORKSPACE", "ranking-team");
    CliResult byVariable = CliResult.run(cwd, env, "versions", "mlflow:scorer", "--json");
    assertEquals(List.of("2", "1"), versions(byVariable));
    CliResult settingWins =
        CliResult.run(cwd, env, "--workspace", "a", "versions", "mlflow:scorer", "--json");
    assertEquals(List.of("1"), versions(settingWins));

    // Pulled in b (ranking-team's scorer/2), byte for byte what the official client downloads.
    CliResult pull = gpux("--workspace", "b", "pull", "mlflow:scorer/2", "--json");
    assertEquals(0, pull.exitCode(), pull.toString());
    Map<String, String> ours = new HashMap<>();
    for (JsonNode f : MAPPER.readTree(pull.out()).get("files")) {
      ours.put(f.get("path").asText(), f.get("sha256").asText());
    }
    Path python = Files.createDirectories(cwd.resolve("python"));
    server.fixture(
        Map.of("MLFLOW_WORKSPACE", "ranking-team"),
        "download",
        "models:/scorer/2",
        python.toString());
    int compared = 0;
    try (var files = Files.walk(python)) {
      for (Path p : files.filter(Files::isRegularFile).toList()) {
        String rel = python.relativize(p).toString();
        if (rel.equals("registered_model_meta")) {
          continue; // written by the client next to the download, not on the server
        }
        assertEquals(sha256(p), ours.get(rel), rel + " differs from the official client's");
        compared++;
      }
    }
    assertEquals(ours.size() - 1, compared, "every file but the generated gpux.yml: " + ours);
    assertEquals(3.0, y("b", "mlflow:scorer/2"), 1e-6);

    // a pulls fraud-team's scorer/1, b ranking-team's scorer/1: another model under the same
    // name and version. Each keeps and runs its own; files equal in both are stored once.
    CliResult pullA = gpux("--workspace", "a", "pull", "mlflow:scorer/1", "--json");
    assertEquals(0, pullA.exitCode(), pullA.toString());
    CliResult pullB = gpux("--workspace", "b", "pull", "mlflow:scorer/1", "--json");
    assertEquals(0, pullB.exitCode(), pullB.toString());
    assertFalse(pullB.err().contains("Up to date"), pullB.toString());
    assertEquals(2.0, y("a", "mlflow:scorer/1"), 1e-6);
    assertEquals(3.0, y("b", "mlflow:scorer/1"), 1e-6);
    java.util.Set<String> inA = digests(pullA);
    java.util.Set<String> inB = digests(pullB);
    assertFalse(inA.equals(inB), "two models: " + inA + " " + inB);
    java.util.Set<String> blobs = new java.util.HashSet<>();
    try (var files = Files.list(home.resolve("blobs/sha256"))) {
      files.forEach(f -> blobs.add(f.getFileName().toString()));
    }
    assertTrue(blobs.containsAll(inA) && blobs.containsAll(inB), blobs.toString());
    java.util.Set<String> both = new java.util.HashSet<>(inA);
    both.retainAll(inB);
    assertFalse(both.isEmpty(), "the files equal in both (the environment files) are shared");

    // The default workspace has neither: a clear error naming the workspaces that do.
    CliResult elsewhere = gpux("run", "mlflow:scorer/1", "--no-pull", "--input", X);
    assertEquals(2, elsewhere.exitCode(), elsewhere.toString());
    assertTrue(
        elsewhere
            .err()
            .contains("is not in the store of workspace default; workspace a, b have it"),
        elsewhere.toString());
    assertTrue(elsewhere.err().contains("gpux --workspace a"), elsewhere.toString());
    assertFalse(elsewhere.err().contains("Exception"), elsewhere.toString());
    CliResult lineage = gpux("lineage", "mlflow:scorer/1");
    assertEquals(2, lineage.exitCode(), lineage.toString());
    assertTrue(lineage.err().contains("not in the store of workspace default"), lineage.toString());

    // df: the workspace's own use and the whole store's, shared files counted once.
    JsonNode df = MAPPER.readTree(gpux("--workspace", "b", "df", "--json").out());
    assertEquals("b", df.get("workspace").asText());
    assertEquals(2, df.get("versions").size(), "b's versions only: " + df);
    assertEquals(2, df.get("workspaces").size(), df.toString());
    long a = df.get("workspaces").get(0).get("bytes").asLong();
    long b = df.get("workspaces").get(1).get("bytes").asLong();
    assertTrue(df.get("referenced_bytes").asLong() < a + b, df.toString());

    // rm in a removes a's copy only; prune keeps every file b still uses.
    assertEquals(0, gpux("--workspace", "a", "rm", "mlflow:scorer/1").exitCode());
    assertEquals(0, gpux("prune", "--now").exitCode());
    assertEquals(3.0, y("b", "mlflow:scorer/1"), 1e-6);
    CliResult gone = gpux("--workspace", "a", "inspect", "mlflow:scorer/1");
    assertEquals(2, gone.exitCode(), gone.toString());
    assertTrue(gone.err().contains("workspace b has it"), gone.toString());
    CliResult verify = gpux("--workspace", "b", "verify");
    assertEquals(0, verify.exitCode(), verify.toString());
  }

  private static java.util.Set<String> digests(CliResult pull) throws Exception {
    java.util.Set<String> out = new java.util.HashSet<>();
    for (JsonNode f : MAPPER.readTree(pull.out()).get("files")) {
      out.add(f.get("sha256").asText());
    }
    return out;
  }

  /** A push lands in the workspace's MLflow workspace, in an experiment of that workspace. */
  @Test
  void pushRegistersInTheWorkspace() throws Exception {
    Path project = Files.createDirectories(cwd.resolve("adder"));
    io.gpux.testing.OnnxModels.addOne(project.resolve("model.onnx"));
    assertEquals(0, gpux("workspace", "create", "p").exitCode());
    assertEquals(
        0,
        gpux("--workspace", "p", "workspace", "set", "mlflow.workspace", "ranking-team")
            .exitCode());
    // A new MLflow workspace has no experiment 0, the default of MLFLOW_EXPERIMENT_ID.
    CliResult noExperiment = gpux("--workspace", "p", "push", "adder", "mlflow:ws-pushed");
    assertEquals(2, noExperiment.exitCode(), noExperiment.toString());
    assertTrue(noExperiment.err().contains("MLFLOW_EXPERIMENT_ID"), noExperiment.toString());
    Map<String, String> env = env();
    env.put("MLFLOW_EXPERIMENT_ID", fixture.get("ranking-team").get("experiment").asText());
    CliResult push =
        CliResult.run(cwd, env, "--workspace", "p", "push", "adder", "mlflow:ws-pushed");
    assertEquals(0, push.exitCode(), push.toString());
    assertTrue(push.out().contains("Pushed mlflow:ws-pushed/1"), push.toString());
    // The official client finds it in ranking-team only.
    Path python = Files.createDirectories(cwd.resolve("python"));
    server.fixture(
        Map.of("MLFLOW_WORKSPACE", "ranking-team"),
        "download",
        "models:/ws-pushed/1",
        python.toString());
    assertTrue(Files.isRegularFile(python.resolve("model.onnx")), "downloaded by the client");
    Map<String, String> fraud = env();
    fraud.put("MLFLOW_WORKSPACE", "fraud-team");
    CliResult elsewhere = CliResult.run(cwd, fraud, "versions", "mlflow:ws-pushed");
    assertEquals(2, elsewhere.exitCode(), elsewhere.toString());
    assertTrue(elsewhere.err().contains("in MLflow workspace 'fraud-team'"), elsewhere.toString());
  }

  @Test
  void aWorkspaceTheServerLacksAndABadNameAreClearErrors() {
    assertEquals(0, gpux("workspace", "create", "c").exitCode());
    assertEquals(
        0, gpux("--workspace", "c", "workspace", "set", "mlflow.workspace", "team-c").exitCode());
    CliResult missing = gpux("--workspace", "c", "versions", "mlflow:scorer");
    assertEquals(2, missing.exitCode(), missing.toString());
    assertTrue(
        missing.err().contains("gpux: error: no MLflow workspace 'team-c' on the MLflow server"),
        missing.toString());
    assertTrue(missing.err().contains("mlflow.workspace"), missing.toString());
    assertFalse(missing.err().contains("Exception"), missing.toString());
    CliResult bad = gpux("--workspace", "c", "workspace", "set", "mlflow.workspace", "api");
    assertEquals(2, bad.exitCode(), bad.toString());
    assertTrue(bad.err().contains("reserved by the MLflow server"), bad.toString());
  }

  /**
   * As the official client, gpux sends the header to any server; one without workspaces refuses.
   */
  @Test
  void aServerWithoutWorkspacesRefusesOneClearly() throws Exception {
    Map<String, String> env = new HashMap<>(MlflowServer.shared().clientEnv());
    env.put("GPUX_HOME", home.toString());
    env.put("MLFLOW_WORKSPACE", "team-a");
    CliResult r = CliResult.run(cwd, env, "versions", "mlflow:adder");
    assertEquals(2, r.exitCode(), r.toString());
    assertTrue(
        r.err().contains("has no workspaces, but MLflow workspace 'team-a' is set"), r.toString());
    assertTrue(r.err().contains("--enable-workspaces"), r.toString());
  }

  @Test
  void workspaceSetHelpNamesTheMlflowWorkspace() {
    CliResult help = gpux("workspace", "set", "--help");
    assertEquals(0, help.exitCode(), help.toString());
    assertTrue(help.out().contains("mlflow.workspace"), help.toString());
  }

  private static List<String> versions(CliResult r) throws Exception {
    assertEquals(0, r.exitCode(), r.toString());
    List<String> out = new java.util.ArrayList<>();
    MAPPER.readTree(r.out()).forEach(v -> out.add(v.get("version").asText()));
    return out;
  }

  private static String sha256(Path p) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
  }
}
