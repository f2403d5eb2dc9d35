package io.gpux.registry.kaggle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gpux.Gpux;
import io.gpux.GpuxInternals;
import io.gpux.config.GpuxSettings;
import io.gpux.error.ErrorCategory;
import io.gpux.error.GpuxException;
import io.gpux.pull.PullResult;
import io.gpux.ref.ModelRef;
import io.gpux.registry.ModelConverter;
import io.gpux.registry.ModelSummary;
import io.gpux.registry.PullOptions;
import io.gpux.registry.RemoteVersion;
import io.gpux.registry.SearchQuery;
import io.gpux.registry.Secret;
import io.gpux.store.ManifestFile;
import io.gpux.store.VersionManifest;
import io.gpux.testing.OnnxModels;
import io.gpux.testing.kaggle.FakeKaggle;
import io.gpux.transfer.TransferListener;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The Kaggle plug-in's own cases against the Kaggle test server, through the public API. */
class KaggleRegistryTest {
  static final String TOKEN = "KGAT_registry0123456789abcdefghijklmnop";
  static final String KEY = "0123456789abcdef0123456789abcdef";
  static final String REF = "kaggle:acme/adder/onnx/default";
  @TempDir Path dir;
  private FakeKaggle kaggle;
  private byte[] model;

  @BeforeEach
  void start() throws Exception {
    model = Files.readAllBytes(OnnxModels.addOne(dir.resolve("fixture/model.onnx")));
    kaggle = FakeKaggle.start().requireToken(TOKEN).acceptKey("alice", KEY);
    kaggle.publish("acme", "adder", "ONNX", "default", Map.of("model.onnx", model));
    kaggle.license("acme", "adder", "ONNX", "default", "MIT");
  }

  @AfterEach
  void stop() {
    assertEquals(List.of(), kaggle.unknownRequests(), "every request the plug-in sent is known");
    assertEquals(List.of(), kaggle.credentialedDownloads(), "credentials reach the API host only");
    kaggle.close();
  }

  private Map<String, String> env(String... kv) {
    Map<String, String> env = new HashMap<>();
    env.put("KAGGLE_API_ENDPOINT", kaggle.url());
    env.put("GPUX_HOME", dir.resolve("home").toString());
    env.put("HOME", dir.resolve("user").toString());
    for (int i = 0; i < kv.length; i += 2) {
      env.put(kv[i], kv[i + 1]);
    }
    return env;
  }

  private <T> T with(Map<String, String> env, java.util.function.Function<Gpux, T> work)
      throws Exception {
    try (Gpux gpux = Gpux.open(dir, GpuxSettings.fromEnvironment(env, dir.resolve("home")))) {
      return work.apply(gpux);
    }
  }

  private void withGpux(Map<String, String> env, Consumer<Gpux> work) throws Exception {
    with(
        env,
        g -> {
          work.accept(g);
          return null;
        });
  }

  private static PullResult pull(Gpux g, String ref) {
    return g.models().pull(ref, PullOptions.defaults(), TransferListener.NONE);
  }

  @ParameterizedTest
  @CsvSource({
    "kaggle:acme/adder/onnx/default, acme/adder/onnx/default,",
    "kaggle:acme/adder/ONNX/default/2, acme/adder/onnx/default, 2",
    "kaggle:acme/adder/Onnx/default@2, acme/adder/onnx/default, 2",
    "kaggle:google/mobilenet-v2/TensorFlow2/100-224/3, google/mobilenet-v2/tensorFlow2/100-224, 3",
    "kaggle:g/m/tensorflow2/v, g/m/tensorFlow2/v,",
    "kaggle:g/m/tensor_flow_2/v, g/m/tensorFlow2/v,",
    "kaggle:g/m/tflite/v, g/m/tfLite/v,",
    "kaggle:g/m/PyTorch/v, g/m/pyTorch/v,",
    "https://www.kaggle.com/models/acme/adder/ONNX/default/2, acme/adder/onnx/default, 2",
    "https://www.kaggle.com/models/acme/adder/frameworks/onnx/variations/default/versions/2,"
        + " acme/adder/onnx/default, 2",
    "https://kaggle.com/models/acme/adder/onnx/default?tab=code, acme/adder/onnx/default,",
    "tfhub:google/imagenet/mobilenet_v2_100_224/classification/5,"
        + " tfhub.dev/google/imagenet/mobilenet_v2_100_224/classification/5,",
    "https://tfhub.dev/google/imagenet/mobilenet_v2_100_224/classification/5?tf-hub-format=compressed,"
        + " tfhub.dev/google/imagenet/mobilenet_v2_100_224/classification/5,",
    "tfhub:google/nnlm-en-dim128/2@3, tfhub.dev/google/nnlm-en-dim128/2, 3"
  })
  void handlesParseAsKagglehubReadsThem(String text, String name, String version) throws Exception {
    ModelRef ref = with(env(), g -> g.models().reference(text));
    assertEquals("kaggle", ref.registry(), text);
    assertEquals(name, ref.name(), text);
    assertEquals(version, ref.version(), text);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "kaggle:acme/adder/onnx",
        "kaggle:acme/adder/onnx/default/2/3",
        "kaggle:acme/adder/caffe/default",
        "kaggle:acme/adder/onnx/default/0",
        "kaggle:acme/adder/onnx/default/latest",
        "kaggle:acme/../onnx/default",
        "tfhub:"
      })
  void malformedHandlesAreBadInputWithTheForm(String text) throws Exception {
    GpuxException e =
        assertThrows(GpuxException.class, () -> with(env(), g -> g.models().reference(text)));
    assertEquals(ErrorCategory.INVALID_INPUT, e.category(), e.getMessage());
    assertTrue(e.getMessage().contains(text), e.getMessage());
    assertTrue(e.hint() != null && !e.hint().isBlank(), e.getMessage());
  }

  @Test
  void exactReferencesAreKagglehubHandles() {
    KaggleReferences g = new KaggleReferences();
    assertEquals(
        "kaggle:acme/adder/onnx/default/3", g.exact("kaggle", "acme/adder/onnx/default", "3"));
    assertEquals("tfhub:google/m/5@2", g.exact("kaggle", "tfhub.dev/google/m/5", "2"));
  }

  @Test
  void frameworksNormaliseLikeKagglehub() {
    assertEquals(Framework.TENSOR_FLOW_2, Framework.parse("TensorFlow2"));
    assertEquals(Framework.TENSOR_FLOW_2, Framework.parse("MODEL_FRAMEWORK_TENSOR_FLOW_2"));
    assertEquals(Framework.TF_LITE, Framework.parse("tfLite"));
    assertEquals(Framework.SCIKIT_LEARN, Framework.parse("scikitLearn"));
    assertEquals("tensorFlow2", Framework.TENSOR_FLOW_2.handle());
    assertEquals("tfLite", Framework.TF_LITE.handle());
    assertEquals("onnx", Framework.ONNX.handle());
    assertNull(Framework.parse("caffe"));
  }

  @Test
  void theLatestVersionPullsWithItsLicenseAndMetadataInTheLineage() throws Exception {
    kaggle.publish(
        "acme",
        "adder",
        "ONNX",
        "default",
        Map.of("model.onnx", model, "labels.txt", "one\n".getBytes(StandardCharsets.UTF_8)));
    withGpux(
        env("KAGGLE_API_TOKEN", TOKEN),
        g -> {
          PullResult p = pull(g, REF);
          VersionManifest m = p.manifest();
          assertEquals("2", m.version());
          assertEquals("latest", m.requested());
          assertEquals(kaggle.url() + "/models/acme/adder/onnx/default/2", m.source());
          assertEquals("MIT", m.lineage().get("license"));
          assertEquals("adder", m.lineage().get("model.title"));
          assertEquals("acme/adder/onnx/default/2", m.lineage().get("kaggle.handle"));
          for (ManifestFile f : m.files()) {
            if (!f.path().equals("gpux.yml")) {
              assertTrue(
                  f.registryDigest() != null && f.registryDigest().startsWith("md5:"),
                  "the MD5 checked is kept: " + f);
            }
          }
          assertTrue(m.files().stream().anyMatch(f -> f.path().equals("gpux.yml")));
          VersionManifest pinned = pull(g, "kaggle:acme/adder/onnx/default/1").manifest();
          assertEquals("1", pinned.version());
          assertEquals(1 + 1, pinned.files().size(), "model.onnx and the generated gpux.yml");
          assertTrue(pull(g, "kaggle:acme/adder/ONNX/default/1").alreadyPresent());
        });
  }

  @Test
  void versionsAreListedNewestFirstAndSearchFindsVariations() throws Exception {
    kaggle.publish("acme", "adder", "ONNX", "default", Map.of("model.onnx", model));
    kaggle.publish("acme", "adder", "TENSOR_FLOW_2", "saved", Map.of("saved_model.pb", model));
    withGpux(
        env("KAGGLE_API_TOKEN", TOKEN),
        g -> {
          List<RemoteVersion> vs =
              ((io.gpux.registry.Versioned) GpuxInternals.registries(g).get("kaggle"))
                  .versions(g.models().reference(REF));
          assertEquals(List.of("2", "1"), vs.stream().map(RemoteVersion::version).toList());
          assertEquals(List.of("latest"), vs.get(0).tags());
          List<ModelSummary> found =
              ((io.gpux.registry.Searchable) GpuxInternals.registries(g).get("kaggle"))
                  .search(new SearchQuery("add", null, null, null, null, 10));
          assertEquals(
              List.of("kaggle:acme/adder/onnx/default", "kaggle:acme/adder/tensorFlow2/saved"),
              found.stream().map(ModelSummary::reference).toList());
          assertEquals("MIT", found.get(0).license());
          assertEquals("onnx", found.get(0).format());
        });
  }

  /** Each place the official client reads credentials from, in turn. */
  @Test
  void everyCredentialSourceTheOfficialClientReadsIsUsed() throws Exception {
    kaggle.requireAuth();
    Path user = Files.createDirectories(dir.resolve("user/.kaggle"));
    Path tokenFile = Files.writeString(dir.resolve("token.txt"), TOKEN + "\n");
    List<Map<String, String>> sources =
        List.of(
            env("KAGGLE_API_TOKEN", TOKEN),
            env("KAGGLE_API_TOKEN", tokenFile.toString()),
            env("KAGGLE_USERNAME", "alice", "KAGGLE_KEY", KEY));
    for (Map<String, String> e : sources) {
      withGpux(e, g -> assertEquals("1", pull(g, REF).manifest().version()));
      deleteTree(dir.resolve("home"));
    }
    Files.writeString(user.resolve("access_token"), TOKEN);
    withGpux(env(), g -> assertEquals("1", pull(g, REF).manifest().version()));
    deleteTree(dir.resolve("home"));
    Files.delete(user.resolve("access_token"));

    Path config = Files.createDirectories(dir.resolve("config"));
    Files.writeString(
        config.resolve("kaggle.json"), "{\"username\":\"alice\",\"key\":\"" + KEY + "\"}");
    withGpux(
        env("KAGGLE_CONFIG_DIR", config.toString()),
        g -> assertEquals("1", pull(g, REF).manifest().version()));
    deleteTree(dir.resolve("home"));
    Files.writeString(
        user.resolve("kaggle.json"), "{\"username\":\"alice\",\"key\":\"" + KEY + "\"}");
    withGpux(env(), g -> assertEquals("1", pull(g, REF).manifest().version()));
    deleteTree(dir.resolve("home"));
    Files.delete(user.resolve("kaggle.json"));

    withGpux(
        env(),
        g -> {
          g.accounts().login("kaggle", new Secret(TOKEN));
          assertEquals("1", pull(g, REF).manifest().version());
        });
    deleteTree(dir.resolve("home"));
    withGpux(
        env(),
        g -> {
          g.accounts().login("kaggle", "alice", new Secret(KEY));
          assertEquals("1", pull(g, REF).manifest().version());
        });
  }

  @Test
  void kaggleJsonThatIsNotJsonIsBadInput() throws Exception {
    Path config = Files.createDirectories(dir.resolve("config"));
    Files.writeString(config.resolve("kaggle.json"), "{not json");
    GpuxException e =
        assertThrows(
            GpuxException.class,
            () -> withGpux(env("KAGGLE_CONFIG_DIR", config.toString()), g -> pull(g, REF)));
    assertEquals(ErrorCategory.INVALID_INPUT, e.category());
    assertTrue(e.getMessage().contains("kaggle.json"), e.getMessage());
  }

  @Test
  void refusedCredentialsAreNamedByWhereTheyCameFromNeverByValue() throws Exception {
    GpuxException e =
        assertThrows(
            GpuxException.class,
            () -> withGpux(env("KAGGLE_API_TOKEN", "KGAT_wrong-secret-value"), g -> pull(g, REF)));
    assertEquals(ErrorCategory.INVALID_INPUT, e.category());
    assertTrue(e.getMessage().contains("HTTP 401"), e.getMessage());
    assertTrue(e.getMessage().contains("KAGGLE_API_TOKEN"), e.getMessage());
    assertFalse((e.getMessage() + e.hint()).contains("wrong-secret-value"));
    assertTrue(e.hint().contains("kaggle.com/settings"), e.hint());
  }

  @Test
  void withoutCredentialsAServerThatWantsThemSaysHowToGiveThem() throws Exception {
    kaggle.requireAuth();
    GpuxException e = assertThrows(GpuxException.class, () -> withGpux(env(), g -> pull(g, REF)));
    assertEquals(ErrorCategory.INVALID_INPUT, e.category());
    assertTrue(e.getMessage().contains("needs credentials"), e.getMessage());
    assertTrue(e.hint().contains("KAGGLE_API_TOKEN"), e.hint());
  }

  @Test
  void aPrivateModelWithoutCredentialsIsNotFoundAndTheHintNamesThem() throws Exception {
    kaggle.privateModel("acme", "adder");
    GpuxException e = assertThrows(GpuxException.class, () -> withGpux(env(), g -> pull(g, REF)));
    assertEquals(ErrorCategory.NOT_FOUND, e.category());
    assertTrue(
        e.hint().contains("private model") && e.hint().contains("KAGGLE_API_TOKEN"), e.hint());
    withGpux(
        env("KAGGLE_API_TOKEN", TOKEN), g -> assertEquals("1", pull(g, REF).manifest().version()));
  }

  @Test
  void unacceptedTermsAre403WithThePageToAcceptThemOn() throws Exception {
    kaggle.termsNotAccepted("acme", "adder");
    GpuxException e =
        assertThrows(
            GpuxException.class, () -> withGpux(env("KAGGLE_API_TOKEN", TOKEN), g -> pull(g, REF)));
    assertEquals(ErrorCategory.INVALID_INPUT, e.category());
    assertTrue(e.getMessage().contains("HTTP 403"), e.getMessage());
    assertTrue(
        e.hint().contains("terms") && e.hint().contains("/models/acme/adder/onnx/default"),
        e.hint());
  }

  @Test
  void aMissingVariationOrVersionIsNotFound() throws Exception {
    for (String ref :
        List.of(
            "kaggle:acme/adder/onnx/other",
            "kaggle:acme/adder/onnx/default/9",
            "kaggle:x/y/onnx/z")) {
      GpuxException e =
          assertThrows(
              GpuxException.class,
              () -> withGpux(env("KAGGLE_API_TOKEN", TOKEN), g -> pull(g, ref)));
      assertEquals(ErrorCategory.NOT_FOUND, e.category(), ref + ": " + e.getMessage());
      assertTrue(e.getMessage().contains("HTTP 404"), e.getMessage());
    }
  }

  @Test
  void filesOfTheSameSizeFetchedThroughOneUrlKeepApart() throws Exception {
    Map<String, byte[]> files = new LinkedHashMap<>();
    for (int i = 0; i < 4; i++) {
      byte[] shard = new byte[100_000];
      new java.util.Random(i).nextBytes(shard);
      files.put("shard-" + i + ".bin", shard);
    }
    files.put("model.onnx", model);
    kaggle.publish("acme", "shards", "ONNX", "v", files);
    withGpux(
        env("KAGGLE_API_TOKEN", TOKEN),
        g -> {
          VersionManifest m = pull(g, "kaggle:acme/shards/onnx/v").manifest();
          for (Map.Entry<String, byte[]> f : files.entrySet()) {
            ManifestFile stored =
                m.files().stream()
                    .filter(x -> x.path().equals(f.getKey()))
                    .findFirst()
                    .orElseThrow();
            assertEquals(io.gpux.digest.Sha256.hex(f.getValue()), stored.sha256(), f.getKey());
          }
        });
  }

  @Test
  void theTokenGoesToTheApiHostAndNeverToTheSignedStorageUrl() throws Exception {
    withGpux(env("KAGGLE_API_TOKEN", TOKEN), g -> pull(g, REF));
    assertTrue(kaggle.downloads() >= 1, kaggle.requests().toString());
    assertEquals(List.of(), kaggle.credentialedDownloads());
  }

  @Test
  void aFileWhoseBytesDoNotMatchTheDeclaredMd5IsNeverStored() throws Exception {
    kaggle.corrupt("acme", "adder", "default", "model.onnx");
    GpuxException e =
        assertThrows(
            GpuxException.class, () -> withGpux(env("KAGGLE_API_TOKEN", TOKEN), g -> pull(g, REF)));
    assertTrue(e.getMessage().contains("md5"), e.getMessage());
    assertTrue(e.getMessage().contains("x-goog-hash"), e.getMessage());
    withGpux(
        env(),
        g -> {
          assertTrue(GpuxInternals.store(g).list().isEmpty(), "no version was stored");
          try (var blobs = Files.walk(dir.resolve("home"))) {
            assertFalse(
                blobs.anyMatch(p -> p.toString().contains("blobs") && Files.isRegularFile(p)),
                "no blob was stored");
          } catch (java.io.IOException io) {
            throw new java.io.UncheckedIOException(io);
          }
        });
  }

  @Test
  void moreThan25FilesComeAsOneArchiveUnpackedIntoTheVersion() throws Exception {
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("model.onnx", model);
    for (int i = 0; i < 30; i++) {
      files.put("assets/part-" + i + ".txt", ("part " + i).getBytes(StandardCharsets.UTF_8));
    }
    kaggle.publish("acme", "many", "ONNX", "v", files);
    withGpux(
        env("KAGGLE_API_TOKEN", TOKEN),
        g -> {
          VersionManifest m = pull(g, "kaggle:acme/many/onnx/v").manifest();
          assertEquals(1, kaggle.downloads(), "one archive, not 31 files");
          for (String path : files.keySet()) {
            assertTrue(m.files().stream().anyMatch(f -> f.path().equals(path)), path);
          }
          assertTrue(GpuxInternals.store(g).verify().clean());
        });
  }

  @Test
  void tfhubHandlesFollowTfhubDevsRedirectToTheirKaggleVariation() throws Exception {
    kaggle.publish("acme", "adder", "ONNX", "default", Map.of("model.onnx", model));
    kaggle.tfhub("acme/adder/1", "acme", "adder", "ONNX", "default", 1);
    kaggle.tfhub("acme/adder", "acme", "adder", "ONNX", "default", 0);
    Map<String, String> env = env("KAGGLE_API_TOKEN", TOKEN, "GPUX_TFHUB_URL", kaggle.tfhubUrl());
    withGpux(
        env,
        g -> {
          VersionManifest pinned = pull(g, "tfhub:acme/adder/1").manifest();
          assertEquals("1", pinned.version());
          assertEquals("tfhub.dev/acme/adder/1", pinned.name());
          assertEquals(kaggle.tfhubUrl() + "/acme/adder/1", pinned.lineage().get("tfhub.url"));
          assertEquals("acme/adder/onnx/default/1", pinned.lineage().get("kaggle.handle"));
          VersionManifest latest = pull(g, "tfhub:acme/adder").manifest();
          assertEquals("2", latest.version());
          assertEquals("2", pull(g, "tfhub:acme/adder@2").manifest().version());
          GpuxException e =
              assertThrows(GpuxException.class, () -> pull(g, "tfhub:acme/not-migrated/1"));
          assertEquals(ErrorCategory.NOT_FOUND, e.category());
        });
  }

  @Test
  void aTensorFlowVariationWithoutAConverterStopsBeforeAnyDownload() throws Exception {
    kaggle.publish("acme", "adder", "TENSOR_FLOW_2", "saved", Map.of("saved_model.pb", model));
    GpuxException e =
        assertThrows(
            GpuxException.class,
            () ->
                withGpux(
                    env("KAGGLE_API_TOKEN", TOKEN),
                    g ->
                        GpuxInternals.puller(g)
                            .converter(null)
                            .pull(
                                g.models().reference("kaggle:acme/adder/tensorflow2/saved"),
                                PullOptions.defaults(),
                                TransferListener.NONE)));
    assertEquals(
        "kaggle:acme/adder/tensorFlow2/saved/1 is a TensorFlow 2 model; converting it needs `gpux"
            + " convert` (coming)",
        e.getMessage());
    assertEquals(ErrorCategory.UNAVAILABLE, e.category());
    assertEquals(0, kaggle.downloads());
  }

  @Test
  void aConverterGetsTheVerifiedOriginalsAndItsOnnxIsStoredBesideThem() throws Exception {
    kaggle.publish("acme", "adder", "KERAS", "k", Map.of("model.keras", "keras bytes".getBytes()));
    ModelConverter converter =
        (conversion, files, work) -> {
          assertEquals("keras", conversion.framework());
          assertTrue(Files.isRegularFile(files.get("model.keras")));
          try {
            Path onnx = Files.write(work.resolve("model.onnx"), model);
            return new ModelConverter.Converted(
                Map.of("model.onnx", onnx), Map.of("convert.tool", "test-converter 1.0"));
          } catch (java.io.IOException io) {
            throw new java.io.UncheckedIOException(io);
          }
        };
    withGpux(
        env("KAGGLE_API_TOKEN", TOKEN),
        g -> {
          VersionManifest m =
              GpuxInternals.puller(g)
                  .converter(converter)
                  .pull(
                      g.models().reference("kaggle:acme/adder/keras/k"),
                      PullOptions.defaults(),
                      TransferListener.NONE)
                  .manifest();
          assertEquals(
              List.of("model.keras", "model.onnx", "gpux.yml"),
              m.files().stream().map(ManifestFile::path).toList());
          assertEquals("converted from Keras", m.lineage().get("derived:model.onnx"));
          assertEquals("test-converter 1.0", m.lineage().get("convert.tool"));
        });
  }

  @Test
  void aFrameworkWithNoConverterNamesTheVariationsGpuxCanUse() throws Exception {
    kaggle.publish("acme", "adder", "PY_TORCH", "pt", Map.of("model.pt", model));
    GpuxException e =
        assertThrows(
            GpuxException.class,
            () ->
                withGpux(
                    env("KAGGLE_API_TOKEN", TOKEN), g -> pull(g, "kaggle:acme/adder/pytorch/pt")));
    assertEquals(ErrorCategory.INVALID_INPUT, e.category());
    assertTrue(e.getMessage().contains("is a PyTorch model"), e.getMessage());
    assertTrue(e.hint().contains("kaggle:acme/adder/onnx/default (ONNX)"), e.hint());
    assertEquals(0, kaggle.downloads());
  }

  @ParameterizedTest
  @CsvSource({
    "PROD, https://api.kaggle.com/v1/",
    "TEST, http://localhost:7777/api/v1/",
    "LOCALHOST, http://localhost/api/v1/",
    "QA, https://qa.kaggle.com/api/v1/"
  })
  void kaggleApiEnvironmentIsReadAsKagglesdkReadsIt(String environment, String base)
      throws Exception {
    Map<String, String> env = env("KAGGLE_API_ENVIRONMENT", environment);
    env.remove("KAGGLE_API_ENDPOINT");
    KaggleApi api = new KaggleApi(new io.gpux.registry.RegistryContext(null, null, env));
    assertEquals(base + "models.ModelApiService/GetModel", api.method("GetModel").toString());
  }

  @Test
  void anUnknownKaggleApiEnvironmentIsBadInput() {
    Map<String, String> env = env("KAGGLE_API_ENVIRONMENT", "MARS");
    env.remove("KAGGLE_API_ENDPOINT");
    GpuxException e =
        assertThrows(
            GpuxException.class,
            () -> new KaggleApi(new io.gpux.registry.RegistryContext(null, null, env)));
    assertEquals(ErrorCategory.INVALID_INPUT, e.category());
    assertTrue(e.hint().contains("PROD"), e.hint());
  }

  private static void deleteTree(Path p) throws java.io.IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (var walk = Files.walk(p)) {
      for (Path x : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(x);
      }
    }
  }
}
