package io.gpux.registry.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gpux.Conformance;
import io.gpux.Gpux;
import io.gpux.config.GpuxSettings;
import io.gpux.conformance.FolderResult;
import io.gpux.conformance.Tolerance;
import io.gpux.error.ErrorCategory;
import io.gpux.error.GpuxException;
import io.gpux.registry.ModelSummary;
import io.gpux.registry.PullOptions;
import io.gpux.registry.SearchQuery;
import io.gpux.runtime.RuntimeOptions;
import io.gpux.store.ManifestFile;
import io.gpux.store.VersionManifest;
import io.gpux.testing.hf.FakeHfHub;
import io.gpux.testing.zoo.ZooFixtures;
import io.gpux.testing.zoo.ZooServer;
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

/** The zoo plug-in's own cases, through the library's API, against the zoo test server. */
class ZooRegistryTest {
  @TempDir Path home;
  @TempDir Path dir;
  private ZooServer zoo;
  private String adder12;
  private final Map<String, String> env = new HashMap<>();

  @BeforeEach
  void start() {
    zoo = ZooServer.start();
    adder12 = ZooFixtures.addAdder(zoo, dir.resolve("fixture"));
    zoo.ioPorts(
        adder12,
        Map.of(
            "inputs",
                List.of(Map.of("name", "x", "shape", List.of("batch", 4), "type", "tensor(float)")),
            "outputs",
                List.of(
                    Map.of("name", "y", "shape", List.of("batch", 4), "type", "tensor(float)"))));
    env.put("GPUX_HOME", home.toString());
    env.put("GPUX_ONNX_ZOO_URL", zoo.url());
  }

  @AfterEach
  void stop() {
    zoo.close();
  }

  private Gpux gpux() {
    return Gpux.open(dir, GpuxSettings.fromEnvironment(env, home));
  }

  private static VersionManifest pull(Gpux gpux, String ref) {
    return gpux.models().pull(ref, PullOptions.defaults(), TransferListener.NONE).manifest();
  }

  @Test
  void aNameInAnyCaseIsTheHighestOpsetAndAnOpsetPicksItsFile() {
    try (Gpux gpux = gpux()) {
      VersionManifest latest = pull(gpux, "zoo:ADDER");
      assertEquals("adder", latest.name());
      assertEquals("12", latest.lineage().get("opset"));
      assertEquals("latest", latest.requested());
      ManifestFile onnx = latest.files().get(0);
      assertEquals("adder-12.onnx", onnx.path());
      assertEquals(ZooServer.sha256(zoo.tree().get(adder12)), onnx.sha256());
      assertEquals(
          "12-" + onnx.sha256().substring(0, 12), latest.version(), "opset and the file's sha");
      assertTrue(latest.files().stream().anyMatch(f -> f.path().equals("gpux.yml")));
      assertEquals(zoo.url() + "/" + adder12, latest.source());
      assertTrue(
          latest.lineage().get("io_ports").contains("\"name\":\"x\""), latest.lineage().toString());
      assertEquals(
          ZooServer.sha256(zoo.manifest()),
          latest.lineage().get("catalogue_sha256"),
          "its version");

      VersionManifest seven = pull(gpux, "zoo:adder@7");
      assertEquals("7", seven.lineage().get("opset"));
      assertFalse(seven.version().equals(latest.version()));
      assertFalse(gpux.inspect("zoo:adder@7", RuntimeOptions.defaults()).inputs().isEmpty());
    }
    assertEquals(List.of(), zoo.unknownRequests());
  }

  @Test
  void unknownNamesAndOpsetsSayWhatThereIs() {
    try (Gpux gpux = gpux()) {
      GpuxException name = assertThrows(GpuxException.class, () -> pull(gpux, "zoo:addr"));
      assertEquals(ErrorCategory.NOT_FOUND, name.category());
      assertTrue(name.hint().contains("zoo:adder"), name.hint());
      GpuxException opset = assertThrows(GpuxException.class, () -> pull(gpux, "zoo:adder@9"));
      assertEquals(ErrorCategory.NOT_FOUND, opset.category());
      assertTrue(opset.hint().contains("12, 7"), opset.hint());
    }
  }

  @Test
  void aFileThatDoesNotMatchTheCatalogueIsNeverStored() {
    byte[] real = zoo.tree().get(adder12);
    byte[] tampered = real.clone();
    tampered[tampered.length - 1] ^= 1;
    zoo.replace(adder12, tampered);
    try (Gpux gpux = gpux()) {
      GpuxException e = assertThrows(GpuxException.class, () -> pull(gpux, "zoo:adder"));
      assertTrue(e.getMessage().contains("sha256"), e.getMessage());
      assertTrue(gpux.storage().list().isEmpty(), "nothing stored");
    }
  }

  @Test
  void aGitLfsPointerIsContentNotAvailableHereAndNeverStored() throws Exception {
    zoo.lfsPointer(adder12);
    try (Gpux gpux = gpux()) {
      GpuxException e = assertThrows(GpuxException.class, () -> pull(gpux, "zoo:adder"));
      assertEquals(ErrorCategory.UNAVAILABLE, e.category(), e.getMessage());
      assertTrue(e.getMessage().contains("content not available here"), e.getMessage());
      assertTrue(e.getMessage().contains("Git LFS pointer"), e.getMessage());
      assertTrue(gpux.storage().list().isEmpty(), "nothing stored");
    }
    long gets = zoo.requests().stream().filter(r -> r.endsWith(".onnx")).count();
    assertEquals(1, gets, "a pointer is not retried: " + zoo.requests());
    try (var files = Files.walk(home)) {
      assertTrue(
          files.filter(Files::isRegularFile).noneMatch(p -> p.toString().contains("blobs")),
          "no blob kept");
    }
  }

  @Test
  void versionsListTheOpsetsNewestFirst() {
    try (Gpux gpux = gpux()) {
      var versions = gpux.models().versions("zoo:adder");
      assertEquals(2, versions.size(), versions.toString());
      assertTrue(versions.get(0).remote().version().startsWith("12-"), versions.toString());
      assertTrue(
          versions.get(0).remote().tags().containsAll(List.of("12", "latest")),
          versions.toString());
      assertTrue(versions.get(1).remote().version().startsWith("7-"), versions.toString());
    }
  }

  @Test
  void aChangedFileUnderTheSameOpsetIsAnUpstreamUpdate() {
    try (Gpux gpux = gpux()) {
      VersionManifest first = pull(gpux, "zoo:adder@12");
      assertEquals(
          io.gpux.versions.Status.CURRENT,
          gpux.versions().outdated(List.of("zoo:adder@12")).get(0).status());
    }
    // The catalogue now lists another file for opset 12 (a re-export upstream).
    zoo.close();
    zoo = ZooServer.start();
    byte[] other = ZooFixtures.adder(dir.resolve("other"), 13);
    zoo.model("Adder", 12, other, null, "arithmetic");
    env.put("GPUX_ONNX_ZOO_URL", zoo.url());
    try (Gpux gpux = gpux()) {
      var check = gpux.versions().outdated(List.of("zoo:adder@12")).get(0);
      assertEquals(io.gpux.versions.Status.OUTDATED, check.status(), check.toString());
      assertTrue(check.remote().startsWith("12-"), check.toString());
    }
  }

  @Test
  void searchFiltersTheCatalogueByTextAndTag() {
    try (Gpux gpux = gpux()) {
      List<ModelSummary> hits =
          gpux.models().search("zoo", new SearchQuery("add", null, null, List.of(), null, 20));
      assertEquals(List.of("zoo:adder"), hits.stream().map(ModelSummary::reference).toList());
      assertEquals(List.of("12", "7"), hits.get(0).extras().get("opsets"));
      assertEquals(
          1,
          gpux.models()
              .search("zoo", new SearchQuery(null, null, null, List.of("ARITHMETIC"), null, 20))
              .size());
      assertTrue(
          gpux.models()
              .search("zoo", new SearchQuery(null, null, null, List.of("text"), null, 20))
              .isEmpty());
    }
  }

  @Test
  void theShippedCatalogueIsSearchedWithoutTheNetwork() {
    env.remove("GPUX_ONNX_ZOO_URL");
    env.put("GPUX_OFFLINE", "1");
    try (Gpux gpux = gpux()) {
      List<ModelSummary> hits =
          gpux.models().search("zoo", new SearchQuery("mnist", null, null, List.of(), null, 20));
      assertEquals(
          List.of("zoo:mnist", "zoo:mnist-12", "zoo:mnist-12-int8"),
          hits.stream().map(ModelSummary::reference).sorted().toList());
      assertEquals(
          List.of("8", "7", "1"),
          hits.stream()
              .filter(h -> h.reference().equals("zoo:mnist"))
              .findFirst()
              .orElseThrow()
              .extras()
              .get("opsets"));
      List<ModelSummary> styles =
          gpux.models()
              .search(
                  "zoo", new SearchQuery(null, null, null, List.of("style transfer"), null, 50));
      assertTrue(
          styles.stream().anyMatch(h -> h.name().equals("Rain Princess")), styles.toString());
    }
  }

  /** Default files come from the Hub's mirror, through HF_ENDPOINT, with the Hub's token. */
  @Test
  void byDefaultFilesComeFromTheHuggingFaceMirrorWithTheHubToken() throws Exception {
    String token = "hf_zooMirrorToken0123456789";
    ZooCatalogue shipped = ZooSource.shipped();
    ZooEntry preproc = shipped.find("resnet-preproc", null);
    try (FakeHfHub hub = FakeHfHub.start().requireToken(token)) {
      // Not the real model's bytes (nothing is downloaded from a hub in tests): bytes of its size
      // under its real path, which the pull must ask the Hub for (with the token: the Hub answers
      // 401 without) and then refuse by the shipped catalogue's sha256.
      byte[] bytes = new byte[(int) preproc.bytes()];
      java.util.Arrays.fill(bytes, (byte) 'x');
      hub.repo(ZooSource.HF_MIRROR).lfsFile(preproc.path(), bytes).commit("mirror");
      env.remove("GPUX_ONNX_ZOO_URL");
      env.put("HF_ENDPOINT", hub.url());
      env.put("HF_TOKEN", token);
      try (Gpux gpux = gpux()) {
        GpuxException e = assertThrows(GpuxException.class, () -> pull(gpux, "zoo:ResNet-preproc"));
        assertTrue(e.getMessage().contains("sha256"), e.getMessage());
        assertTrue(gpux.storage().list().isEmpty());
      }
      assertTrue(
          hub.requests().stream()
              .anyMatch(
                  r ->
                      r.path()
                          .equals("/" + ZooSource.HF_MIRROR + "/resolve/main/" + preproc.path())),
          hub.requests().toString());
    }
  }

  @Test
  void theModelWithItsTestDataPassesOnThisMachine() {
    try (Gpux gpux = gpux()) {
      List<FolderResult> results =
          gpux.conformance()
              .test(
                  List.of("zoo:adder"),
                  new Conformance.Options(RuntimeOptions.defaults(), Tolerance.DEFAULT, true),
                  TransferListener.NONE);
      assertEquals(1, results.size());
      FolderResult r = results.get(0);
      assertTrue(r.passed(), r.toString());
      assertEquals("adder", r.folder().getFileName().toString());
      assertEquals(0.0, r.dataSets().get(0).outputs().get(0).maxAbsolute());
      VersionManifest stored =
          gpux.models().findStored(gpux.models().reference("zoo:adder"), PullOptions.TEST_DATA);
      assertTrue(
          stored.files().stream()
              .map(ManifestFile::path)
              .toList()
              .containsAll(
                  List.of(
                      "adder/model.onnx",
                      "adder/test_data_set_0/input_0.pb",
                      "adder/test_data_set_0/output_0.pb")),
          stored.files().toString());
      assertEquals(null, gpux.models().findStored(gpux.models().reference("zoo:adder")));
    }
  }
}
