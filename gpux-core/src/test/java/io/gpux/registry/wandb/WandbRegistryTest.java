package io.gpux.registry.wandb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gpux.Gpux;
import io.gpux.config.GpuxSettings;
import io.gpux.error.ErrorCategory;
import io.gpux.error.GpuxException;
import io.gpux.pull.PullResult;
import io.gpux.registry.ModelSummary;
import io.gpux.registry.PullOptions;
import io.gpux.registry.Registry;
import io.gpux.registry.RemoteFile;
import io.gpux.registry.RemoteVersion;
import io.gpux.registry.ResolvedModel;
import io.gpux.registry.SearchQuery;
import io.gpux.testing.OnnxModels;
import io.gpux.testing.wandb.FakeWandb;
import io.gpux.testing.wandb.WandbVersion;
import io.gpux.transfer.TransferListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pulls, versions, lineage, registries, search and failures against the W&B test server. */
class WandbRegistryTest {
  private static final String KEY = "local-registryTestKey0123456789abcdefghijklmnopq";
  @TempDir Path home;
  @TempDir Path workDir;
  private FakeWandb wb;
  private byte[] model;
  private WandbVersion v0;
  private WandbVersion v1;
  private final Map<String, String> env = new HashMap<>();
  private Gpux gpux;

  @BeforeEach
  void start() throws Exception {
    model = Files.readAllBytes(OnnxModels.addOne(workDir.resolve("fixture.onnx")));
    Files.delete(workDir.resolve("fixture.onnx"));
    wb = FakeWandb.start().requireApiKey(KEY);
    v0 = wb.artifact("acme", "mnist", "adder", "model").file("model.onnx", model).commit();
    v1 =
        wb.artifact("acme", "mnist", "adder", "model")
            .file("model.onnx", model)
            .file("extra/labels.txt", "zero\none\n")
            .metadata("{\"accuracy\": 0.93, \"framework\": \"onnx\"}")
            .run(
                "r1x2y3",
                "{\"lr\": {\"desc\": null, \"value\": 0.01}, \"_wandb\": {}}",
                "{\"loss\": 0.25, \"_step\": 9}")
            .aliases("production")
            .commit();
    wb.organization("acme-org", "acme");
    wb.link(v1, "acme-org", "model", "adder-prod", "staging");
    wb.linkLegacy(v0, "acme", "adder-legacy", "best");
    env.put("WANDB_BASE_URL", wb.url());
    env.put("WANDB_API_KEY", KEY);
  }

  private Gpux gpux() {
    if (gpux == null) {
      Map<String, String> e = new HashMap<>(env);
      e.put("GPUX_HOME", home.toString());
      gpux = Gpux.open(workDir, GpuxSettings.fromEnvironment(e, home));
    }
    return gpux;
  }

  private Registry registry() {
    return io.gpux.GpuxInternals.registries(gpux()).get("wandb");
  }

  private ResolvedModel resolve(String ref) {
    return registry().resolve(gpux().models().reference(ref), PullOptions.defaults());
  }

  @AfterEach
  void stop() {
    if (gpux != null) {
      gpux.close();
    }
    List<String> unknown = wb.unknownOperations();
    wb.close();
    assertEquals(List.of(), unknown, "every query GPUX sent is one the server knows");
  }

  @Test
  void anAliasResolvesToItsVersionWithMd5sAndNoCredentialsOnFileUrls() {
    ResolvedModel m = resolve("wandb:acme/mnist/adder:production");
    assertEquals("v1", m.version());
    assertEquals("production", m.requested());
    assertEquals(2, m.files().size());
    for (RemoteFile f : m.files()) {
      assertEquals("md5", f.registryDigest().algorithm().name().toLowerCase());
      assertTrue(f.download().credentials().isEmpty(), "no API key to " + f.download().uri());
    }
    assertEquals("v0", resolve("wandb:acme/mnist/adder:v0").version());
    assertEquals("v1", resolve("wandb:acme/mnist/adder").version(), "latest by default");
  }

  @Test
  void theEntityDefaultsToWandbEntity() {
    env.put("WANDB_ENTITY", "acme");
    assertEquals("v1", resolve("wandb:mnist/adder:latest").version());
  }

  @Test
  void theLineageHasTheRunItsConfigSummaryAndTheMetadata() {
    Map<String, String> l = resolve("wandb:acme/mnist/adder:production").lineage();
    assertEquals("r1x2y3", l.get("run.id"));
    assertEquals("acme/mnist", l.get("run.project"));
    assertEquals("0.01", l.get("config.lr"));
    assertEquals("0.25", l.get("summary.loss"));
    assertEquals("0.93", l.get("metadata.accuracy"));
    assertEquals("production", l.get("artifact.alias"));
    assertEquals(v1.digest(), l.get("artifact.digest"));
    assertFalse(l.containsKey("config._wandb"));
    assertFalse(l.containsKey("summary._step"));
    l.values().forEach(v -> assertFalse(v.contains(KEY)));
  }

  @Test
  void registryAndLegacyModelRegistryFormsPull() {
    PullResult r =
        gpux()
            .models()
            .pull(
                "wandb:acme-org/wandb-registry-model/adder-prod:staging",
                PullOptions.defaults(),
                TransferListener.NONE);
    assertEquals("v0", r.manifest().version(), "the version within the registry collection");
    assertEquals("acme/mnist/adder:v1", r.manifest().lineage().get("artifact.source"));
    assertTrue(r.manifest().files().stream().anyMatch(f -> f.path().equals("extra/labels.txt")));
    assertEquals(List.of(), wb.credentialedDownloads(), "the API key goes to /graphql only");
    ResolvedModel legacy = resolve("wandb:acme/model-registry/adder-legacy:best");
    assertEquals("acme/mnist/adder:v0", legacy.lineage().get("artifact.source"));
  }

  @Test
  void aMissingAliasIsNotFoundAndListsTheVersions() {
    GpuxException e =
        assertThrows(GpuxException.class, () -> resolve("wandb:acme/mnist/adder:nope"));
    assertEquals(ErrorCategory.NOT_FOUND, e.category());
    assertTrue(e.hint().contains("v1 (latest, production)"), e.hint());
    GpuxException p =
        assertThrows(GpuxException.class, () -> resolve("wandb:acme/nothing/adder:latest"));
    assertEquals(ErrorCategory.NOT_FOUND, p.category());
    assertTrue(p.getMessage().contains("no W&B project acme/nothing"), p.getMessage());
  }

  @Test
  void aPendingArtifactIsRefused() {
    wb.artifact("acme", "mnist", "adder", "model").file("model.onnx", model).pending().commit();
    GpuxException e = assertThrows(GpuxException.class, () -> resolve("wandb:acme/mnist/adder"));
    assertEquals(ErrorCategory.INVALID_INPUT, e.category());
    assertTrue(e.getMessage().contains("PENDING"), e.getMessage());
    assertTrue(e.hint().contains("gpux versions"), e.hint());
  }

  @Test
  void anMd5MismatchStoresNothing() {
    wb.corrupt(v1, "model.onnx");
    GpuxException e =
        assertThrows(
            GpuxException.class,
            () ->
                gpux()
                    .models()
                    .pull(
                        "wandb:acme/mnist/adder:production",
                        PullOptions.defaults(),
                        TransferListener.NONE));
    assertTrue(e.getMessage().toLowerCase().contains("md5"), e.getMessage());
    assertTrue(io.gpux.GpuxInternals.store(gpux()).list().isEmpty(), "nothing stored");
  }

  @Test
  void aWrongKeyIsRejectedWithoutShowingIt() {
    env.put("WANDB_API_KEY", "local-wrongKey0123456789abcdefghijklmnopqrstuvw");
    GpuxException e = assertThrows(GpuxException.class, () -> resolve("wandb:acme/mnist/adder"));
    assertEquals(ErrorCategory.INVALID_INPUT, e.category());
    assertTrue(e.getMessage().contains("rejected the API key"), e.getMessage());
    assertFalse((e.getMessage() + e.hint()).contains("wrongKey"));
    assertEquals(
        1,
        wb.requests().stream().filter(r -> r.startsWith("POST /graphql")).count(),
        "401 is not retried");
  }

  @Test
  void withoutAKeyTheHintSaysWhereToPutOne() {
    env.remove("WANDB_API_KEY");
    env.put("HOME", workDir.toString());
    GpuxException e = assertThrows(GpuxException.class, () -> resolve("wandb:acme/mnist/adder"));
    assertTrue(e.hint().contains("WANDB_API_KEY"), e.hint());
  }

  @Test
  void theKeyIsReadFromNetrc() throws Exception {
    env.remove("WANDB_API_KEY");
    env.put("HOME", workDir.toString());
    Files.writeString(
        workDir.resolve(".netrc"), "machine 127.0.0.1\n  login user\n  password " + KEY + "\n");
    assertEquals("v1", resolve("wandb:acme/mnist/adder").version());
  }

  @Test
  void rateLimitedRequestsAreRetried() {
    wb.throttleNext(2);
    assertEquals("v1", resolve("wandb:acme/mnist/adder").version());
  }

  @Test
  void aRequestQuotaIsObeyedThroughItsRateLimitHeaders() {
    // Two GraphQL requests a second: a resolve needs more, so it must wait for a reset.
    wb.rateLimit(2, java.time.Duration.ofSeconds(1));
    assertEquals("v1", resolve("wandb:acme/mnist/adder").version());
    assertTrue(wb.quotaWasSpent());
    // The requests sent side by side may overrun a spent quota before its headers arrive; each
    // such refusal is waited out, never a failure. Sequential ones are held back beforehand.
    assertTrue(wb.refusedOverQuota() <= 2, "refused: " + wb.refusedOverQuota());
  }

  @Test
  void referenceEntriesOverHttpAreFetchedAndOthersRefused() {
    wb.artifact("acme", "mnist", "s3ref", "model")
        .reference("model.onnx", "s3://bucket/model.onnx")
        .commit();
    GpuxException e = assertThrows(GpuxException.class, () -> resolve("wandb:acme/mnist/s3ref"));
    assertEquals(ErrorCategory.INVALID_INPUT, e.category());
    assertTrue(e.getMessage().contains("s3://"), e.getMessage());
    wb.artifact("acme", "mnist", "httpref", "model")
        .reference("model.onnx", wb.url() + "/nowhere/model.onnx")
        .commit();
    RemoteFile f = resolve("wandb:acme/mnist/httpref").files().get(0);
    assertEquals(wb.url() + "/nowhere/model.onnx", f.download().uri().toString());
    assertTrue(f.download().credentials().isEmpty());
  }

  @Test
  void versionsListAliasesDigestsAndTimes() {
    List<RemoteVersion> vs =
        ((io.gpux.registry.Versioned) registry())
            .versions(gpux().models().reference("wandb:acme/mnist/adder"));
    assertEquals(List.of("v1", "v0"), vs.stream().map(RemoteVersion::version).toList());
    assertEquals(List.of("latest", "production"), vs.get(0).tags());
    assertTrue(vs.get(0).description().contains(v1.digest()));
    assertTrue(vs.get(1).created() != null);
    List<RemoteVersion> reg =
        ((io.gpux.registry.Versioned) registry())
            .versions(gpux().models().reference("wandb:acme-org/wandb-registry-model/adder-prod"));
    assertEquals("v0", reg.get(0).version());
    assertTrue(reg.get(0).tags().contains("staging"), reg.toString());
  }

  @Test
  void searchListsProjectAndRegistryCollections() {
    List<ModelSummary> project =
        ((io.gpux.registry.Searchable) registry())
            .search(new SearchQuery("acme/mnist", null, null, List.of(), null, 10));
    assertEquals(List.of("acme/mnist/adder"), project.stream().map(ModelSummary::name).toList());
    List<ModelSummary> reg =
        ((io.gpux.registry.Searchable) registry())
            .search(new SearchQuery("adder", "acme-org", null, List.of(), null, 10));
    assertEquals(
        List.of("acme-org/wandb-registry-model/adder-prod"),
        reg.stream().map(ModelSummary::name).toList());
  }

  @Test
  void aGraphqlErrorBecomesAClearError() {
    GpuxException e =
        assertThrows(
            GpuxException.class,
            () ->
                new WandbGraphql(io.gpux.GpuxInternals.registries(gpux()).context())
                    .query(
                        "query { project(name: \"mnist\", entityName: \"acme\") {"
                            + " artifactType(name: \"model\") { artifactCollection(name: \"adder\")"
                            + " { artifacts(filters: \"{bad\") { totalCount } } } } }",
                        Map.of()));
    assertTrue(e.getMessage().contains("answered with an error"), e.getMessage());
  }
}
