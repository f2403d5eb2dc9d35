package io.gpux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gpux.testing.OnnxModels;
import io.gpux.testing.Slow;
import io.gpux.testing.mlflow.MlflowServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * outdated, update, rollback and history of an MLflow model on the real {@code mlflow server}: the
 * alias moves to a new version (pushed by gpux through the server's REST API), outdated sees it
 * with one metadata request and no artifact bytes, update pulls the new version, rollback goes
 * back. The requests are recorded by a proxy in front of the server.
 */
@Slow
class MlflowVersionsTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static MlflowServer server;
  @TempDir Path home;
  @TempDir Path cwd;

  @BeforeAll
  static void start() throws Exception {
    server = MlflowServer.shared();
  }

  private CliResult gpux(String tracking, String... args) {
    Map<String, String> env = new HashMap<>(server.clientEnv());
    env.put("MLFLOW_TRACKING_URI", tracking);
    env.put("GPUX_HOME", home.toString());
    return CliResult.run(cwd, env, args);
  }

  private static List<String> artifactDownloads(RecordingProxy proxy) {
    List<String> out = new ArrayList<>();
    for (String r : proxy.requests()) {
      if (r.startsWith("GET /api/2.0/mlflow-artifacts/artifacts/")) {
        out.add(r);
      }
    }
    return out;
  }

  @Test
  void aliasMovesOutdatedSeesItUpdatePullsRollbackGoesBack() throws Exception {
    String url = server.url();
    String ref = "mlflow:ver-adder@champion";
    Path first = Files.createDirectories(cwd.resolve("first"));
    OnnxModels.addOne(first.resolve("model.onnx"));
    CliResult push = gpux(url, "push", "first", "mlflow:ver-adder", "--alias", "champion");
    assertEquals(0, push.exitCode(), push.toString());
    assertEquals(0, gpux(url, "pull", ref).exitCode());
    assertEquals(0, gpux(url, "outdated", ref).exitCode());

    Path second = Files.createDirectories(cwd.resolve("second"));
    OnnxModels.twoOutputs(second.resolve("model.onnx"));
    assertEquals(
        0, gpux(url, "push", "second", "mlflow:ver-adder", "--alias", "champion").exitCode());

    try (RecordingProxy proxy = new RecordingProxy(url)) {
      CliResult outdated = gpux(proxy.url(), "outdated", "--json");
      assertEquals(1, outdated.exitCode(), outdated.toString());
      JsonNode o = MAPPER.readTree(outdated.out()).get("models").get(0);
      assertEquals(ref, o.get("ref").asText());
      assertEquals("champion", o.get("name").asText());
      assertEquals("1", o.get("local").asText());
      assertEquals("2", o.get("remote").asText());
      assertTrue(
          o.get("changes").get("changed").toString().contains("model.onnx"),
          "MLflow lists sizes: the model's size changed\n" + o);
      assertEquals(List.of(), artifactDownloads(proxy), "outdated reads no artifact");
      assertTrue(
          proxy.requests().get(0).endsWith("/registered-models/alias"),
          "the alias is asked first, in one request: " + proxy.requests());

      proxy.clear();
      CliResult update = gpux(proxy.url(), "update", ref, "--json");
      assertEquals(0, update.exitCode(), update.toString());
      JsonNode u = MAPPER.readTree(update.out()).get("models").get(0);
      assertTrue(u.get("updated").asBoolean(), update.toString());
      // MLflow lists no digests, so every file of version 2 is fetched (and stored by digest,
      // shared with version 1 where the bytes are the same).
      int fetched = u.get("files_downloaded").asInt();
      assertTrue(fetched >= 2, "MLmodel and model.onnx at least: " + update);
      assertTrue(artifactDownloads(proxy).size() >= fetched, proxy.requests().toString());
    }
    assertEquals(0, gpux(url, "outdated", ref).exitCode());
    CliResult inspect = gpux(url, "inspect", ref, "--json");
    assertEquals("2", MAPPER.readTree(inspect.out()).get("source").get("version").asText());

    CliResult back = gpux(url, "rollback", ref);
    assertEquals(0, back.exitCode(), back.toString());
    assertTrue(back.out().contains("2 -> 1"), back.toString());
    CliResult again = gpux(url, "inspect", ref, "--json");
    assertEquals("1", MAPPER.readTree(again.out()).get("source").get("version").asText());
    assertEquals(1, gpux(url, "outdated", ref).exitCode(), "champion is at 2 upstream");

    JsonNode versions = MAPPER.readTree(gpux(url, "versions", ref, "--json").out());
    assertEquals("2", versions.get(0).get("version").asText(), versions.toString());
    assertTrue(versions.get(0).get("tags").toString().contains("@champion"), versions.toString());
    assertEquals(
        "[\"champion\"]", versions.get(1).get("local_names").toString(), versions.toString());

    CliResult history = gpux(url, "history", ref, "--json");
    List<String> actions = new ArrayList<>();
    MAPPER
        .readTree(history.out())
        .get("history")
        .forEach(e -> actions.add(e.get("action").asText() + " " + e.get("version").asText()));
    assertEquals(List.of("pulled 1", "updated 2", "rolled back 1"), actions, history.toString());

    assertEquals(0, gpux(url, "pin", ref).exitCode());
    CliResult skipped = gpux(url, "update", "--all");
    assertTrue(skipped.out().contains("pinned at 1"), skipped.toString());
  }

  @Test
  void aVersionNumberIsExactAndLatestFollowsNewVersions() throws Exception {
    String url = server.url();
    Path dir = Files.createDirectories(cwd.resolve("m"));
    OnnxModels.addOne(dir.resolve("model.onnx"));
    assertEquals(0, gpux(url, "push", "m", "mlflow:ver-latest").exitCode());
    assertEquals(0, gpux(url, "pull", "mlflow:ver-latest/1").exitCode());
    assertEquals(0, gpux(url, "pull", "mlflow:ver-latest").exitCode());
    assertEquals(0, gpux(url, "push", "m", "mlflow:ver-latest").exitCode());
    CliResult outdated = gpux(url, "outdated", "mlflow:ver-latest", "--json");
    assertEquals(1, outdated.exitCode(), outdated.toString());
    JsonNode models = MAPPER.readTree(outdated.out()).get("models");
    assertEquals(1, models.size(), "the local name latest (version 1 is also its exact pull)");
    assertEquals("latest", models.get(0).get("name").asText(), outdated.toString());
    assertEquals("2", models.get(0).get("remote").asText());
    CliResult exact = gpux(url, "outdated", "mlflow:ver-latest/1", "--json");
    assertEquals(
        "exact",
        MAPPER.readTree(exact.out()).get("models").get(0).get("status").asText(),
        exact.toString());

    // A stage moves too: version 1 to Staging, pulled by the stage, then version 2 to Staging.
    transition("ver-latest", "1", "Staging");
    assertEquals(0, gpux(url, "pull", "mlflow:ver-latest/Staging").exitCode());
    assertEquals(0, gpux(url, "outdated", "mlflow:ver-latest/Staging").exitCode());
    transition("ver-latest", "2", "Staging");
    CliResult staged = gpux(url, "outdated", "mlflow:ver-latest/Staging", "--json");
    assertEquals(1, staged.exitCode(), staged.toString());
    JsonNode s = MAPPER.readTree(staged.out()).get("models").get(0);
    assertEquals("mlflow:ver-latest:Staging", s.get("ref").asText(), staged.toString());
    assertEquals("2", s.get("remote").asText());
  }

  /** MLflow's stage transition, through the server's REST API as the admin. */
  private static void transition(String name, String version, String stage) throws Exception {
    String body =
        MAPPER.writeValueAsString(
            Map.of(
                "name",
                name,
                "version",
                version,
                "stage",
                stage,
                "archive_existing_versions",
                false));
    String auth =
        java.util.Base64.getEncoder()
            .encodeToString(
                (MlflowServer.ADMIN + ":" + MlflowServer.ADMIN_PASSWORD)
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    java.net.http.HttpResponse<String> r =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(
                            server.url() + "/api/2.0/mlflow/model-versions/transition-stage"))
                    .header("Authorization", "Basic " + auth)
                    .header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
  }
}
