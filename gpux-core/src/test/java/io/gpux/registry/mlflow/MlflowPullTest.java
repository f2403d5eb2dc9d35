package io.gpux.registry.mlflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gpux.Gpux;
import io.gpux.config.GpuxSettings;
import io.gpux.error.ErrorCategory;
import io.gpux.error.GpuxException;
import io.gpux.inference.InferenceModel;
import io.gpux.pull.PullResult;
import io.gpux.registry.ModelSummary;
import io.gpux.registry.PullOptions;
import io.gpux.registry.Registry;
import io.gpux.registry.RemoteVersion;
import io.gpux.registry.SearchQuery;
import io.gpux.runtime.RuntimeOptions;
import io.gpux.store.ManifestFile;
import io.gpux.store.VersionManifest;
import io.gpux.tensor.Tensor;
import io.gpux.testing.Slow;
import io.gpux.testing.mlflow.MlflowServer;
import io.gpux.transfer.TransferListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Pulls from a real MLflow server (basic-auth app) whose models the official client logged. */
// Its methods run side by side (each has its own store): after the shared server is ready they are
// the build's critical path, and they mostly wait on the server and on ONNX Runtime.
@Execution(ExecutionMode.CONCURRENT)
@Slow
class MlflowPullTest {
  @TempDir Path home;
  @TempDir Path work;

  private Gpux gpux(Map<String, String> env) {
    Map<String, String> all = new HashMap<>(env);
    all.put("GPUX_HOME", home.toString());
    return Gpux.open(work, GpuxSettings.fromEnvironment(all, home));
  }

  private Gpux gpux() throws Exception {
    return gpux(SharedMlflow.env());
  }

  /** Every reference form resolves like the official client and the pulled model runs. */
  @ParameterizedTest
  @CsvSource({
    "mlflow:adder/1, 1, 1",
    "mlflow:adder:2, 2, 2",
    "mlflow:adder@champion, 2, 2",
    "mlflow:adder/Production, 3, 3",
    "mlflow:adder/staging, 1, 1",
    "mlflow:adder/latest, 3, 3",
    "mlflow:adder, 3, 3",
    "models:/adder/2, 2, 2",
    "models:/adder@champion, 2, 2",
    "models:/adder/Production, 3, 3",
  })
  void everyReferenceFormPullsAndRuns(String ref, String version, float offset) throws Exception {
    try (Gpux g = gpux()) {
      PullResult pull = g.models().pull(ref, PullOptions.defaults(), TransferListener.NONE);
      assertEquals(version, pull.manifest().version(), ref);
      assertRuns(g, ref, 4, offset);
    }
  }

  @Test
  void loggedModelAndRunUrisPullAndRun() throws Exception {
    String modelId = SharedMlflow.summary().path("adder_model_id").asText();
    String extRun = SharedMlflow.summary().path("ext_run").asText();
    try (Gpux g = gpux()) {
      PullResult byId =
          g.models().pull("models:/" + modelId, PullOptions.defaults(), TransferListener.NONE);
      assertEquals(modelId, byId.manifest().version());
      assertRuns(g, "models:/" + modelId, 4, 3); // the last logged version is y = x + 3
      String runUri = "runs:/" + extRun + "/model";
      g.models().pull(runUri, PullOptions.defaults(), TransferListener.NONE);
      assertRuns(g, runUri, 1024, 0.5f);
      // A model folder logged as plain run artifacts: no logged model, the run's folder instead.
      String legacy =
          "runs:/" + SharedMlflow.summary().path("legacy_run").asText() + "/legacy-model";
      PullResult fromRun = g.models().pull(legacy, PullOptions.defaults(), TransferListener.NONE);
      assertTrue(
          fromRun.manifest().files().stream().anyMatch(f -> f.path().equals("MLmodel")),
          fromRun.manifest().files().toString());
      assertRuns(g, legacy, 4, 7);
    }
  }

  private static void assertRuns(Gpux g, String ref, int width, float offset) {
    float[] x = new float[width];
    java.util.Arrays.fill(x, 1f);
    // Gpux owns (and closes) the models it loads.
    InferenceModel m = g.load(ref, RuntimeOptions.defaults());
    Tensor y = m.run(Map.of("x", Tensor.ofFloats(new long[] {1, width}, x))).get("y");
    assertEquals(1 + offset, y.doubleAt(width - 1), 1e-6, ref);
  }

  @Test
  void externalDataIsPulledWholeAndMatchesThePythonClientByteForByte() throws Exception {
    MlflowServer server = SharedMlflow.server();
    Path python = Files.createDirectories(work.resolve("python"));
    server.fixture("download", "models:/adder-ext/1", python.toString());
    try (Gpux g = gpux()) {
      VersionManifest m =
          g.models()
              .pull("mlflow:adder-ext/1", PullOptions.defaults(), TransferListener.NONE)
              .manifest();
      assertTrue(
          m.files().stream().anyMatch(f -> f.path().endsWith(".data")),
          "the external-data file is pulled: " + m.files());
      Map<String, String> ours = new HashMap<>();
      for (ManifestFile f : m.files()) {
        ours.put(f.path(), f.sha256());
      }
      int compared = 0;
      try (Stream<Path> files = Files.walk(python)) {
        for (Path p : files.filter(Files::isRegularFile).toList()) {
          String rel = python.relativize(p).toString();
          if (rel.equals("registered_model_meta")) {
            continue; // The Python client writes it next to the download; it is not on the server.
          }
          assertEquals(sha256(p), ours.get(rel), rel + " differs from the Python client's");
          compared++;
        }
      }
      assertEquals(m.files().size() - 1, compared, "every file but the generated gpux.yml");
      assertRuns(g, "mlflow:adder-ext/1", 1024, 0.5f);
    }
  }

  @Test
  void lineageRecordsTheRunTheAliasAndTheServerButNoCredentials() throws Exception {
    try (Gpux g = gpux()) {
      VersionManifest m =
          g.models()
              .pull("mlflow:adder@champion", PullOptions.defaults(), TransferListener.NONE)
              .manifest();
      Map<String, String> l = m.lineage();
      assertEquals("champion", m.requested());
      assertEquals("2", l.get("version"));
      assertEquals("champion", l.get("mlflow.alias"));
      assertEquals(SharedMlflow.summary().path("adder_run").asText(), l.get("run_id"));
      assertEquals(
          SharedMlflow.summary().path("adder_experiment").asText(), l.get("experiment_id"));
      assertEquals("0.01", l.get("param.lr"));
      assertEquals("0.93", l.get("metric.accuracy"));
      assertEquals("vision", l.get("tag.team"));
      assertEquals(SharedMlflow.server().url(), l.get("server"));
      assertTrue(l.containsKey("mlflow.mlflow_version"), l.toString());
      l.values().forEach(v -> assertFalse(v.contains(MlflowServer.ADMIN_PASSWORD)));
      assertFalse(m.source().contains(MlflowServer.ADMIN_PASSWORD));
    }
  }

  @Test
  void aMissingAliasListsTheAliasesThatExist() throws Exception {
    GpuxException e = pullFails("mlflow:adder@challenger");
    assertEquals(ErrorCategory.NOT_FOUND, e.category());
    assertTrue(e.problem().contains("challenger"), e.problem());
    assertTrue(e.hint().contains("champion -> 2"), e.hint());
  }

  @Test
  void aMissingModelListsSimilarNames() throws Exception {
    GpuxException e = pullFails("mlflow:adder-v2");
    assertEquals(ErrorCategory.NOT_FOUND, e.category());
    assertTrue(e.hint().contains("adder"), e.hint());
  }

  @Test
  void aMissingVersionOrStageListsTheVersions() throws Exception {
    GpuxException e = pullFails("mlflow:adder/99");
    assertEquals(ErrorCategory.NOT_FOUND, e.category());
    assertTrue(e.hint().contains("3 (Production)"), e.hint());
    GpuxException stage = pullFails("mlflow:adder-ext/Production");
    assertEquals(ErrorCategory.NOT_FOUND, stage.category());
  }

  @Test
  void aModelWithoutAnOnnxFlavorSaysSo() throws Exception {
    GpuxException e = pullFails("mlflow:sklearn-ish/1");
    assertEquals(ErrorCategory.INVALID_INPUT, e.category());
    assertTrue(
        e.problem().contains("no onnx flavor") && e.problem().contains("sklearn"), e.problem());
    assertTrue(e.hint().contains("mlflow.onnx.log_model"), e.hint());
  }

  private GpuxException pullFails(String ref) throws Exception {
    try (Gpux g = gpux()) {
      return assertThrows(
          GpuxException.class,
          () -> g.models().pull(ref, PullOptions.defaults(), TransferListener.NONE));
    }
  }

  @Test
  void withoutCredentialsTheErrorNamesTheVariablesToSet() throws Exception {
    try (Gpux g = gpux(Map.of("MLFLOW_TRACKING_URI", SharedMlflow.server().url()))) {
      GpuxException e =
          assertThrows(
              GpuxException.class,
              () ->
                  g.models().pull("mlflow:adder/1", PullOptions.defaults(), TransferListener.NONE));
      assertTrue(e.problem().contains("401"), e.problem());
      assertTrue(e.hint().contains("MLFLOW_TRACKING_USERNAME"), e.hint());
    }
  }

  @Test
  void refusedCredentialsAreNamedButNeverShown() throws Exception {
    String wrong = "wrong-Pa55word-xyz";
    Map<String, String> env =
        Map.of(
            "MLFLOW_TRACKING_URI",
            SharedMlflow.server().url(),
            "MLFLOW_TRACKING_USERNAME",
            MlflowServer.ADMIN,
            "MLFLOW_TRACKING_PASSWORD",
            wrong,
            // Basic wins over the token, as in the Python client.
            "MLFLOW_TRACKING_TOKEN",
            "tok-secret-123");
    try (Gpux g = gpux(env)) {
      GpuxException e =
          assertThrows(
              GpuxException.class,
              () ->
                  g.models().pull("mlflow:adder/1", PullOptions.defaults(), TransferListener.NONE));
      assertTrue(e.hint().contains("MLFLOW_TRACKING_USERNAME/MLFLOW_TRACKING_PASSWORD"), e.hint());
      String all = e.problem() + e.hint();
      assertFalse(all.contains(wrong) || all.contains("tok-secret-123"), all);
    }
  }

  @Test
  void theOfficialClientsCredentialsFileIsUsedAndNamedWhenRefused() throws Exception {
    Path userHome = java.nio.file.Files.createDirectories(work.resolve("user/.mlflow")).getParent();
    java.nio.file.Files.writeString(
        userHome.resolve(".mlflow/credentials"),
        "[mlflow]\nmlflow_tracking_username = "
            + MlflowServer.ADMIN
            + "\nmlflow_tracking_password = "
            + MlflowServer.ADMIN_PASSWORD
            + "\n");
    Map<String, String> env =
        Map.of("MLFLOW_TRACKING_URI", SharedMlflow.server().url(), "HOME", userHome.toString());
    try (Gpux g = gpux(env)) {
      assertEquals(
          "1",
          g.models()
              .pull("mlflow:adder/1", PullOptions.defaults(), TransferListener.NONE)
              .manifest()
              .version());
    }
    String wrong = "file-Pa55word-wrong";
    java.nio.file.Files.writeString(
        userHome.resolve(".mlflow/credentials"),
        "[mlflow]\nmlflow_tracking_username = "
            + MlflowServer.ADMIN
            + "\nmlflow_tracking_password = "
            + wrong
            + "\n");
    try (Gpux g = gpux(env)) {
      GpuxException e =
          assertThrows(
              GpuxException.class,
              () ->
                  g.models().pull("mlflow:adder/2", PullOptions.defaults(), TransferListener.NONE));
      assertTrue(e.hint().contains("~/.mlflow/credentials"), e.hint());
      assertFalse((e.problem() + e.hint()).contains(wrong));
    }
  }

  @Test
  void aTokenTheBasicAuthAppRefusesNamesTheTokenVariable() throws Exception {
    Map<String, String> env =
        Map.of(
            "MLFLOW_TRACKING_URI",
            SharedMlflow.server().url(),
            "MLFLOW_TRACKING_TOKEN",
            "tok-secret-456");
    try (Gpux g = gpux(env)) {
      GpuxException e =
          assertThrows(
              GpuxException.class,
              () ->
                  g.models().pull("mlflow:adder/1", PullOptions.defaults(), TransferListener.NONE));
      assertTrue(e.hint().contains("MLFLOW_TRACKING_TOKEN"), e.hint());
      assertFalse((e.problem() + e.hint()).contains("tok-secret-456"));
    }
  }

  @Test
  void versionsListAliasesStagesStatusAndRun() throws Exception {
    try (Gpux g = gpux()) {
      Registry r = io.gpux.GpuxInternals.registries(g).get("mlflow");
      List<RemoteVersion> versions =
          ((io.gpux.registry.Versioned) r).versions(g.models().reference("mlflow:adder"));
      assertEquals(List.of("3", "2", "1"), versions.stream().map(RemoteVersion::version).toList());
      assertTrue(versions.get(1).tags().contains("@champion"), versions.toString());
      assertTrue(versions.get(0).tags().contains("stage:Production"), versions.toString());
      assertTrue(versions.get(0).tags().contains("status:READY"), versions.toString());
      assertTrue(
          versions
              .get(0)
              .tags()
              .contains("run:" + SharedMlflow.summary().path("adder_run").asText()));
    }
  }

  @Test
  void searchTakesTextTagsAndMlflowFilters() throws Exception {
    try (Gpux g = gpux()) {
      Registry r = io.gpux.GpuxInternals.registries(g).get("mlflow");
      List<String> byText =
          names(
              ((io.gpux.registry.Searchable) r)
                  .search(new SearchQuery("adder", null, null, List.of(), null, 10)));
      assertTrue(byText.containsAll(List.of("adder", "adder-ext")), byText.toString());
      assertFalse(byText.contains("sklearn-ish"));
      assertEquals(
          List.of("adder"),
          names(
              ((io.gpux.registry.Searchable) r)
                  .search(new SearchQuery(null, null, null, List.of("team=vision"), null, 10))));
      assertEquals(
          List.of("sklearn-ish"),
          names(
              ((io.gpux.registry.Searchable) r)
                  .search(new SearchQuery("name LIKE 'sk%'", null, null, List.of(), null, 10))));
      assertEquals(
          1,
          ((io.gpux.registry.Searchable) r)
              .search(new SearchQuery(null, null, null, List.of(), null, 1))
              .size());
    }
  }

  private static List<String> names(List<ModelSummary> hits) {
    return hits.stream().map(ModelSummary::name).toList();
  }

  private static String sha256(Path p) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
  }
}
