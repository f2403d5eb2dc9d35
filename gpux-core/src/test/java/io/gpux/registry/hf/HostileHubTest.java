package io.gpux.registry.hf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gpux.Gpux;
import io.gpux.config.GpuxSettings;
import io.gpux.error.ErrorCategory;
import io.gpux.error.GpuxException;
import io.gpux.pull.PullResult;
import io.gpux.registry.PullOptions;
import io.gpux.store.ManifestFile;
import io.gpux.testing.OnnxModels;
import io.gpux.testing.hf.FakeHfHub;
import io.gpux.testing.hf.RecordedRequest;
import io.gpux.transfer.TransferListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The Hugging Face plug-in against a Hub that answers what the real one never would. */
class HostileHubTest {
  private static final String TOKEN = "hf_hostileSecretToken0123456789";
  @TempDir Path home;
  @TempDir Path work;
  private FakeHfHub hub;

  @BeforeEach
  void start() throws Exception {
    hub = FakeHfHub.start().requireToken(TOKEN);
    Path model = OnnxModels.addOne(work.resolve("model.onnx"));
    hub.repo("acme/adder")
        .file("onnx/model.onnx", Files.readAllBytes(model))
        .file("config.json", "{}")
        .commit("initial");
  }

  @AfterEach
  void stop() {
    hub.close();
  }

  private Gpux gpux(String endpoint) {
    Map<String, String> env = new HashMap<>();
    env.put("GPUX_HOME", home.toString());
    env.put("HF_ENDPOINT", endpoint);
    env.put("HF_TOKEN", TOKEN);
    return Gpux.open(work, GpuxSettings.fromEnvironment(env, home));
  }

  private PullResult pull(String ref, PullOptions options) {
    try (Gpux g = gpux(hub.url())) {
      return g.models().pull(ref, options, TransferListener.NONE);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"x?y", "../../..", "a b", "0123456789abcdef0123456789abcdef0123456/"})
  void aCommitThatIsNotAShaIsRefusedBeforeAnyFileIsRequested(String sha) {
    hub.editModelInfo(
        info -> {
          info.put("sha", sha);
          return info;
        });
    GpuxException e =
        assertThrows(GpuxException.class, () -> pull("hf:acme/adder", PullOptions.defaults()));
    assertEquals(ErrorCategory.UNAVAILABLE, e.category(), e.problem());
    assertTrue(e.problem().contains("commit '" + sha + "'"), e.problem());
    assertTrue(e.problem().contains("not a commit id"), e.problem());
    List<RecordedRequest> sent = hub.requests();
    assertTrue(
        sent.stream().noneMatch(r -> r.path().contains("/resolve/")),
        "nothing is fetched with the token from a URL built from it: " + sent);
  }

  /** The listing with one more file whose name holds a NUL. */
  private void listAlso(String name) {
    hub.editModelInfo(
        info -> {
          @SuppressWarnings("unchecked")
          List<Object> siblings = new ArrayList<>((List<Object>) info.get("siblings"));
          siblings.add(Map.of("rfilename", name, "size", 3, "blobId", "0".repeat(40)));
          info.put("siblings", siblings);
          return info;
        });
  }

  @Test
  void aNulInAFileNobodyAskedForDoesNotStopThePull() {
    listAlso("notes\u0000.txt");
    PullResult r = pull("hf:acme/adder", PullOptions.defaults());
    assertEquals(
        List.of("config.json", "gpux.yml", "onnx/model.onnx"),
        r.manifest().files().stream().map(ManifestFile::path).sorted().toList());
  }

  @Test
  void aNulInAFileAskedForIsAClearErrorThatNeverPrintsTheByte() {
    listAlso("notes\u0000.txt");
    GpuxException e =
        assertThrows(
            GpuxException.class,
            () ->
                pull("hf:acme/adder", new PullOptions(List.of("notes*"), List.of(), null, false)));
    assertEquals(ErrorCategory.INVALID_INPUT, e.category(), e.problem());
    assertTrue(e.problem().contains("notes\\u0000.txt"), e.problem());
    assertFalse(e.problem().contains("\u0000") || e.hint().contains("\u0000"), e.problem());
    assertTrue(e.problem().contains("control character"), e.problem());
  }

  @Test
  void userInfoInTheEndpointIsRefusedAndNeverPrintedOrStored() throws Exception {
    String withPassword = hub.url().replace("http://", "http://alice:s3cretPass@");
    GpuxException e;
    try (Gpux g = gpux(withPassword)) {
      e =
          assertThrows(
              GpuxException.class,
              () ->
                  g.models().pull("hf:acme/adder", PullOptions.defaults(), TransferListener.NONE));
    }
    assertEquals(ErrorCategory.INVALID_INPUT, e.category(), e.problem());
    assertTrue(e.problem().contains("HF_ENDPOINT"), e.problem());
    assertTrue(e.hint().contains("HF_TOKEN"), e.hint());
    String said = e.problem() + e.hint();
    assertFalse(said.contains("s3cretPass") || said.contains("alice"), said);
    assertTrue(hub.requests().isEmpty(), "nothing was sent");
    if (Files.exists(home)) {
      try (Stream<Path> files = Files.walk(home)) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          assertFalse(
              new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1)
                  .contains("s3cretPass"),
              f + " holds the password");
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"notaurl", "ftp://host", "http://", "http://host/?q=1", "http://a b"})
  void anEndpointThatIsNotAUrlIsOneClearLine(String endpoint) {
    GpuxException e;
    try (Gpux g = gpux(endpoint)) {
      e =
          assertThrows(
              GpuxException.class,
              () ->
                  g.models().pull("hf:acme/adder", PullOptions.defaults(), TransferListener.NONE));
    }
    assertEquals(ErrorCategory.INVALID_INPUT, e.category(), e.problem());
    assertTrue(e.problem().startsWith("HF_ENDPOINT="), e.problem());
    assertTrue(e.problem().contains("is not an http(s) URL"), e.problem());
    assertTrue(e.hint().contains("http(s)://host[:port]"), e.hint());
  }
}
