package io.gpux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gpux.testing.OnnxModels;
import io.gpux.testing.Slow;
import io.gpux.testing.mlflow.MlflowServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.cyclonedx.model.Bom;
import org.cyclonedx.model.Component;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lockfiles, lineage (with the producing run's params and metrics) and its ML-BOM against a real
 * MLflow server, whose registry loses a version and an artifact file.
 */
@Slow
class MlflowLockTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static MlflowServer server;
  @TempDir Path cwd;
  @TempDir Path home;
  @TempDir Path otherHome;

  @BeforeAll
  static void start() throws Exception {
    server = MlflowServer.shared();
  }

  private CliResult gpux(Path gpuxHome, String... args) {
    Map<String, String> env = new HashMap<>(server.clientEnv());
    env.put("GPUX_HOME", gpuxHome.toString());
    return CliResult.run(cwd, env, args);
  }

  @Test
  void anAliasIsLockedRestoredAndItsRunIsInTheLineageAndTheBom() throws Exception {
    JsonNode fixture = MAPPER.readTree(server.fixtureSummary());
    assertEquals(0, gpux(home, "pull", "mlflow:adder@champion").exitCode());
    CliResult lock = gpux(home, "lock", "mlflow:adder@champion");
    assertEquals(0, lock.exitCode(), lock.toString());
    String text = Files.readString(cwd.resolve("gpux.lock"));
    assertTrue(text.contains("requested: \"champion\"") && text.contains("version: \"2\""), text);
    assertFalse(text.contains(MlflowServer.ADMIN_PASSWORD));

    CliResult sync = gpux(otherHome, "sync", "--json");
    assertEquals(0, sync.exitCode(), sync.toString());
    assertEquals(
        "mlflow:adder/2",
        MAPPER.readTree(sync.out()).get("models").get(0).get("reference").asText());
    assertEquals(
        0, gpux(otherHome, "lock", "mlflow:adder@champion", "-o", "again.lock").exitCode());
    assertEquals(text, Files.readString(cwd.resolve("again.lock")), "byte-identical");

    CliResult lineage = gpux(otherHome, "lineage", "mlflow:adder@champion", "--json");
    assertEquals(0, lineage.exitCode(), lineage.toString());
    JsonNode l = MAPPER.readTree(lineage.out());
    assertEquals(server.url(), l.get("server").asText());
    assertEquals("champion", l.get("requested").asText());
    assertEquals("2", l.get("version").asText());
    JsonNode run = l.get("run");
    assertEquals("mlflow", run.get("system").asText());
    assertEquals(fixture.get("adder_run").asText(), run.get("id").asText());
    assertEquals(fixture.get("adder_experiment").asText(), run.get("group").asText());
    assertEquals("0.01", run.get("params").get("lr").asText());
    assertEquals("0.93", run.get("metrics").get("accuracy").asText());
    assertTrue(
        run.get("url").asText().startsWith(server.url() + "/#/experiments/"), run.toString());
    assertFalse(lineage.out().contains(MlflowServer.ADMIN_PASSWORD), "never credentials");

    String bomText =
        gpux(otherHome, "lineage", "mlflow:adder@champion", "--format", "cyclonedx").out();
    Bom bom = LineageDiffTest.validBom(bomText);
    Component model = bom.getComponents().get(0);
    assertEquals(Component.Type.MACHINE_LEARNING_MODEL, model.getType());
    assertTrue(model.getPurl().startsWith("pkg:mlflow/adder@2?repository_url="), model.getPurl());
    var metric = model.getModelCard().getQuantitativeAnalysis().getPerformanceMetrics().get(0);
    assertEquals("accuracy", metric.getType());
    assertEquals("0.93", metric.getValue());
    assertTrue(
        model.getExternalReferences().stream()
            .anyMatch(r -> r.getUrl().equals(run.get("url").asText())),
        "the producing run as an external reference");
    assertFalse(bomText.contains(MlflowServer.ADMIN_PASSWORD));

    CliResult diff = gpux(otherHome, "diff", "mlflow:adder/2", "mlflow:adder@champion");
    assertEquals(0, diff.exitCode(), "one version, named twice: " + diff);
  }

  @Test
  void aFileDeletedUpstreamOrADeletedVersionFailsNamingIt() throws Exception {
    String marker = "notes-" + UUID.randomUUID() + ".txt";
    Path dir = Files.createDirectories(cwd.resolve("gone"));
    OnnxModels.addOne(dir.resolve("model.onnx"));
    Files.writeString(dir.resolve(marker), "trained on " + marker);
    assertEquals(0, gpux(home, "push", "gone", "mlflow:cli-lock-gone").exitCode());
    assertEquals(0, gpux(home, "push", "gone", "mlflow:cli-lock-gone").exitCode());
    assertEquals(0, gpux(home, "pull", "mlflow:cli-lock-gone/1").exitCode());
    assertEquals(0, gpux(home, "pull", "mlflow:cli-lock-gone/2").exitCode());
    assertEquals(0, gpux(home, "lock", "mlflow:cli-lock-gone/1", "-o", "v1.lock").exitCode());
    assertTrue(Files.readString(cwd.resolve("v1.lock")).contains(marker));
    assertEquals(0, gpux(home, "lock", "mlflow:cli-lock-gone/2", "-o", "v2.lock").exitCode());

    // The artifact store loses the notes file (of both versions: they share nothing on disk).
    List<Path> copies;
    try (Stream<Path> files = Files.walk(server.artifactsDestination())) {
      copies = files.filter(p -> p.getFileName().toString().equals(marker)).toList();
    }
    assertEquals(2, copies.size(), "one copy per pushed version: " + copies);
    for (Path p : copies) {
      Files.delete(p);
    }
    CliResult lost = gpux(otherHome, "sync", "v1.lock");
    assertEquals(2, lost.exitCode(), lost.toString());
    assertTrue(
        lost.err().contains("the registry no longer has the locked files: " + marker),
        lost.toString());
    assertTrue(lost.err().contains("hint: "), lost.toString());
    assertFalse(lost.err().contains("\tat "), lost.toString());

    // The registry deletes version 2.
    HttpRequest delete =
        HttpRequest.newBuilder(URI.create(server.url() + "/api/2.0/mlflow/model-versions/delete"))
            .header(
                "Authorization",
                "Basic "
                    + Base64.getEncoder()
                        .encodeToString(
                            (MlflowServer.ADMIN + ":" + MlflowServer.ADMIN_PASSWORD)
                                .getBytes(StandardCharsets.UTF_8)))
            .header("Content-Type", "application/json")
            .method(
                "DELETE",
                HttpRequest.BodyPublishers.ofString(
                    "{\"name\": \"cli-lock-gone\", \"version\": \"2\"}"))
            .build();
    HttpResponse<String> r =
        HttpClient.newHttpClient().send(delete, HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    CliResult deleted = gpux(otherHome, "pull", "--locked", "v2.lock");
    assertEquals(2, deleted.exitCode(), deleted.toString());
    assertTrue(deleted.err().contains("the registry no longer has version 2"), deleted.toString());
    // The store that has the bytes restores them all the same.
    assertEquals(0, gpux(home, "sync", "v2.lock").exitCode());
  }
}
