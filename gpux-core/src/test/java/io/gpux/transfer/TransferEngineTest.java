package io.gpux.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gpux.error.GpuxException;
import io.gpux.testing.hf.FakeHfHub;
import io.gpux.testing.hf.Fault;
import io.gpux.testing.hf.RecordedRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The download engine against a real HTTP server that misbehaves on purpose. */
class TransferEngineTest {
  private static final byte[] CONTENT = random(300_000);
  private static final String SHA256 = io.gpux.digest.Sha256.hex(CONTENT);
  @TempDir Path work;
  final FakeHfHub hub = FakeHfHub.start();
  private final List<Long> sleeps = new ArrayList<>();
  private final HttpTransport http =
      new HttpTransport(
          HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build(),
          RetryPolicy.defaults(),
          sleeps::add,
          false);
  private final TransferEngine engine = new TransferEngine(http, options());

  /** The JDK client for these small files; see SocketTransferEngineTest for the socket path. */
  TransferOptions options() {
    // The default stall timeout: a short one cut downloads when a loaded machine paused, and the
    // retry (each fault is one-shot) then hid what the test looks at. aStalledBodyIsCutAndResumed
    // sets its own.
    return TransferOptions.defaults();
  }

  TransferEngineTest() {
    hub.repo("org/m")
        .lfsFile("model.onnx", CONTENT)
        .file("config.json", "{\"a\": 1}")
        .commit("initial");
  }

  @AfterEach
  void stop() {
    hub.close();
  }

  DownloadRequest lfs() {
    return new DownloadRequest(
        "model.onnx",
        HttpCall.get(URI.create(hub.url() + "/org/m/resolve/main/model.onnx")),
        CONTENT.length,
        SHA256,
        null);
  }

  DownloadedFile fetch(DownloadRequest r) {
    return engine.download(List.of(r), work, TransferListener.NONE).get(0);
  }

  @Test
  void downloadsAndVerifiesThroughTheRedirect() throws Exception {
    DownloadedFile f = fetch(lfs());
    assertEquals(SHA256, f.sha256());
    assertEquals(CONTENT.length, Files.size(f.file()));
  }

  @Test
  void verifiesRegularFilesByTheirGitBlobSha1() {
    byte[] config = "{\"a\": 1}".getBytes();
    String gitSha1 =
        HexFormat.of().formatHex(sha1(("blob " + config.length + "\0").getBytes(), config));
    DownloadRequest ok =
        new DownloadRequest(
            "config.json",
            HttpCall.get(URI.create(hub.url() + "/org/m/resolve/main/config.json")),
            config.length,
            null,
            new RegistryDigest(RegistryDigest.Algorithm.GIT_BLOB_SHA1, gitSha1));
    assertEquals(io.gpux.digest.Sha256.hex(config), fetch(ok).sha256());
    DownloadRequest wrong =
        new DownloadRequest(
            "config.json",
            ok.call(),
            config.length,
            null,
            new RegistryDigest(RegistryDigest.Algorithm.GIT_BLOB_SHA1, "0".repeat(40)));
    GpuxException e = assertThrows(GpuxException.class, () -> fetch(wrong));
    assertTrue(e.problem().contains("failed verification"), e.problem());
  }

  @Test
  void resumesAfterTheConnectionDropsWithoutRefetchingTheBytesOnDisk() {
    hub.faults().next("model.onnx", Fault.dropAfter(100_000));
    assertEquals(SHA256, fetch(lfs()).sha256());
    List<RecordedRequest> cdn =
        hub.requests().stream().filter(r -> r.path().startsWith("/cdn/")).toList();
    assertEquals(2, cdn.size());
    assertEquals(null, cdn.get(0).range());
    assertTrue(cdn.get(1).range().startsWith("bytes="), cdn.toString());
    assertTrue(
        Long.parseLong(cdn.get(1).range().replaceAll("\\D", "")) > 0, "resumed, not restarted");
  }

  @Test
  void resumesAPartialFileLeftByAnEarlierProcess() throws Exception {
    Path partial = TransferEngine.partialFile(work, lfs());
    Files.write(partial, java.util.Arrays.copyOf(CONTENT, 123_456));
    DownloadedFile f = fetch(lfs());
    assertEquals(SHA256, f.sha256());
    assertEquals(123_456, f.resumedFrom());
    assertEquals(CONTENT.length - 123_456, f.transferred());
  }

  @Test
  void aRefusedFileGetsTheRegistrysOwnCredentialHint() {
    hub.faults().next("model.onnx", Fault.status(403));
    DownloadRequest r = lfs();
    DownloadRequest withHint =
        new DownloadRequest(
            r.path(), r.call(), r.size(), r.sha256(), null, "set ACME_TOKEN for this registry");
    GpuxException e = assertThrows(GpuxException.class, () -> fetch(withHint));
    assertTrue(e.problem().contains("access denied (HTTP 403)"), e.problem());
    assertEquals("set ACME_TOKEN for this registry", e.hint());
    // Without one the hint is generic: the engine serves every registry, so it must not name
    // Hugging Face's variable for an OCI or Kaggle download.
    hub.faults().next("model.onnx", Fault.status(401));
    GpuxException generic = assertThrows(GpuxException.class, () -> fetch(lfs()));
    assertFalse(generic.hint().contains("HF_TOKEN"), generic.hint());
    assertTrue(generic.hint().contains("gpux login"), generic.hint());
  }

  @Test
  void honoursRetryAfterOn503And429() {
    hub.faults().next("model.onnx", Fault.status(503, java.time.Duration.ofSeconds(2)));
    hub.faults().next("model.onnx", Fault.status(429, java.time.Duration.ofSeconds(1)));
    assertEquals(SHA256, fetch(lfs()).sha256());
    assertEquals(List.of(2000L, 1000L), sleeps);
  }

  @Test
  void startsOverWhenTheServerIgnoresRange() throws Exception {
    Files.write(TransferEngine.partialFile(work, lfs()), java.util.Arrays.copyOf(CONTENT, 1000));
    hub.faults().next("model.onnx", Fault.ignoreRange());
    assertEquals(SHA256, fetch(lfs()).sha256());
  }

  @Test
  void corruptBodyIsFetchedAgainOnceThenRefused() {
    hub.faults().next("model.onnx", Fault.corrupt());
    DownloadedFile once = fetch(lfs());
    assertEquals(SHA256, once.sha256(), "one bad copy: downloaded again");
    once.file().toFile().delete(); // as the store's move would
    hub.faults().next("model.onnx", Fault.corrupt());
    hub.faults().next("model.onnx", Fault.corrupt());
    GpuxException e = assertThrows(GpuxException.class, () -> fetch(lfs()));
    assertTrue(e.problem().contains("sha256"), e.problem());
    assertFalse(
        Files.exists(TransferEngine.partialFile(work, lfs())), "nothing unverified is kept");
  }

  @Test
  void aBodyLongerThanTheListingIsCutAtTheListedSizeAndNothingIsKept() {
    // Without a length (chunked) and with a length larger than the listing: 5 MB past the end.
    for (boolean announce : new boolean[] {false, true}) {
      hub.faults().next("model.onnx", Fault.oversize(5_000_000, announce));
      java.util.concurrent.atomic.AtomicLong written = new java.util.concurrent.atomic.AtomicLong();
      TransferListener counting =
          new TransferListener() {
            @Override
            public void progressed(String path, long bytes) {
              written.addAndGet(bytes);
            }
          };
      GpuxException e =
          assertThrows(GpuxException.class, () -> engine.download(List.of(lfs()), work, counting));
      assertTrue(
          e.problem().contains("more of model.onnx than the " + CONTENT.length + " bytes"),
          e.problem());
      assertTrue(
          written.get() <= CONTENT.length,
          "written past the listed size: " + written.get() + " (announced: " + announce + ")");
      assertFalse(
          Files.exists(TransferEngine.partialFile(work, lfs())),
          "what cannot be resumed is deleted");
      assertEquals(0, hub.faults().pending(), "one attempt: a retry would be refused the same");
    }
  }

  @Test
  void aStalledBodyIsCutAndResumed() {
    hub.faults().next("model.onnx", Fault.stall(50_000, java.time.Duration.ofMillis(3000)));
    TransferEngine watching =
        new TransferEngine(http, options().withStallTimeout(Duration.ofMillis(500)));
    assertEquals(
        SHA256, watching.download(List.of(lfs()), work, TransferListener.NONE).get(0).sha256());
  }

  @Test
  void credentialsAreNotSentToAnotherHost() {
    hub.cdnHost("localhost");
    DownloadRequest r =
        new DownloadRequest(
            "model.onnx",
            lfs().call().credentials(java.util.Map.of("Authorization", "Bearer t0k")),
            CONTENT.length,
            SHA256,
            null);
    fetch(r);
    RecordedRequest resolve =
        hub.requests().stream()
            .filter(q -> q.path().contains("/resolve/"))
            .findFirst()
            .orElseThrow();
    RecordedRequest cdn =
        hub.requests().stream().filter(q -> q.path().startsWith("/cdn/")).findFirst().orElseThrow();
    assertTrue(resolve.hasAuthorization());
    assertEquals("localhost", cdn.host());
    assertFalse(cdn.hasAuthorization(), "the token must not follow the redirect to another host");
  }

  @Test
  void offlineModeNeverOpensASocket() {
    HttpTransport offline =
        new HttpTransport(HttpClient.newHttpClient(), RetryPolicy.defaults(), sleeps::add, true);
    GpuxException e =
        assertThrows(
            GpuxException.class,
            () ->
                new TransferEngine(offline, TransferOptions.defaults())
                    .download(List.of(lfs()), work, TransferListener.NONE));
    assertTrue(e.problem().contains("GPUX_OFFLINE"), e.problem());
    assertTrue(hub.requests().isEmpty());
  }

  private static byte[] random(int n) {
    byte[] b = new byte[n];
    new Random(5).nextBytes(b);
    return b;
  }

  private static byte[] sha1(byte[] prefix, byte[] content) {
    try {
      var d = java.security.MessageDigest.getInstance("SHA-1");
      d.update(prefix);
      return d.digest(content);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
