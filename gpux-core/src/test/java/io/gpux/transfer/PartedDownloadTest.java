package io.gpux.transfer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gpux.testing.hf.FakeHfHub;
import io.gpux.testing.hf.Fault;
import io.gpux.testing.hf.RecordedRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Large files in ranged parts against the faithful Hub, with faults on the parts. */
class PartedDownloadTest {
  private static final byte[] CONTENT = random(1_000_000);
  private static final String SHA256 = io.gpux.digest.Sha256.hex(CONTENT);
  @TempDir Path work;
  private final FakeHfHub hub = FakeHfHub.start();
  private final List<Long> sleeps = new ArrayList<>();
  private final HttpTransport http =
      new HttpTransport(
          HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build(),
          RetryPolicy.defaults(),
          sleeps::add,
          false);
  // 1 MB in parts of 50 KB over 4 connections.
  private final TransferOptions options =
      TransferOptions.defaults().withStallTimeout(Duration.ofMillis(500)).withParts(200_000, 4);

  PartedDownloadTest() {
    hub.repo("org/m").lfsFile("model.onnx_data", CONTENT).commit("initial");
  }

  @AfterEach
  void stop() {
    hub.close();
  }

  private DownloadRequest request() {
    return new DownloadRequest(
        "model.onnx_data",
        HttpCall.get(URI.create(hub.url() + "/org/m/resolve/main/model.onnx_data")),
        CONTENT.length,
        SHA256,
        null);
  }

  private DownloadedFile fetch() {
    return new TransferEngine(http, options)
        .download(List.of(request()), work, TransferListener.NONE)
        .get(0);
  }

  private List<RecordedRequest> ranged() {
    return hub.requests().stream().filter(r -> r.range() != null).toList();
  }

  @Test
  void aLargeFileArrivesInRangedPartsAndVerifies() throws Exception {
    DownloadedFile f = fetch();
    assertEquals(SHA256, f.sha256());
    assertArrayEquals(CONTENT, Files.readAllBytes(f.file()));
    assertEquals(CONTENT.length, f.transferred());
    List<String> ranges = ranged().stream().map(RecordedRequest::range).distinct().toList();
    assertEquals(20, ranges.size(), ranges.toString());
    assertTrue(ranges.contains("bytes=0-49999"), ranges.toString());
    assertTrue(ranges.contains("bytes=950000-999999"), ranges.toString());
    assertFalse(Files.exists(PartedDownload.sidecar(f.file())), "the sidecar goes with success");
  }

  @Test
  void byDefaultAFileFromThisMachineComesInOneStream() throws Exception {
    DownloadedFile f =
        new TransferEngine(http, options.withPartsFromLoopback(false))
            .download(List.of(request()), work, TransferListener.NONE)
            .get(0);
    assertArrayEquals(CONTENT, Files.readAllBytes(f.file()));
    assertTrue(ranged().isEmpty(), "no ranges from loopback: " + ranged());
    assertTrue(PartedDownload.loopback("localhost"));
    assertTrue(PartedDownload.loopback("127.0.0.1"));
    assertTrue(PartedDownload.loopback("::1"));
    assertFalse(PartedDownload.loopback("192.0.2.7"), "a documentation address: remote");
    assertFalse(PartedDownload.loopback("no-such-host.invalid"));
  }

  @Test
  void aPartCutHalfwayResumesFromItsOwnOffset() throws Exception {
    hub.faults().next("model.onnx_data", Fault.dropAfter(20_000));
    DownloadedFile f = fetch();
    assertArrayEquals(CONTENT, Files.readAllBytes(f.file()));
    assertTrue(
        ranged().stream()
            .map(r -> Long.parseLong(r.range().substring(6, r.range().indexOf('-'))))
            .anyMatch(start -> start % 50_000 == 20_000),
        "the cut part resumed 20000 bytes into its range: "
            + ranged().stream().map(RecordedRequest::range).toList());
    assertEquals(CONTENT.length, f.transferred(), "no byte was fetched twice");
  }

  @Test
  void aServerThatIgnoresRangeGetsOneStream() throws Exception {
    for (int i = 0; i < 4; i++) {
      hub.faults().next("model.onnx_data", Fault.ignoreRange());
    }
    DownloadedFile f = fetch();
    assertArrayEquals(CONTENT, Files.readAllBytes(f.file()));
    assertTrue(
        hub.requests().stream()
            .anyMatch(r -> r.path().contains("model.onnx_data") && r.range() == null),
        "then a plain request for the whole file");
  }

  @Test
  void partsSurviveTheProcessAndOnlyTheMissingBytesAreFetched() throws Exception {
    // What a killed pull leaves: parts 0 and 2 written and recorded, 1 half written but recorded
    // as 100000 bytes, 3 not started.
    Path partial = TransferEngine.partialFile(work, request());
    byte[] onDisk = new byte[CONTENT.length];
    System.arraycopy(CONTENT, 0, onDisk, 0, 250_000);
    System.arraycopy(CONTENT, 250_000, onDisk, 250_000, 150_000);
    System.arraycopy(CONTENT, 500_000, onDisk, 500_000, 250_000);
    Files.write(partial, onDisk);
    PartedDownload.save(
        partial,
        List.of(
            new PartedDownload.Part(0, 250_000, 250_000),
            new PartedDownload.Part(250_000, 500_000, 100_000),
            new PartedDownload.Part(500_000, 750_000, 250_000),
            new PartedDownload.Part(750_000, 1_000_000, 0)),
        CONTENT.length);

    DownloadedFile f = fetch();
    assertArrayEquals(CONTENT, Files.readAllBytes(f.file()));
    assertEquals(600_000, f.resumedFrom());
    assertEquals(400_000, f.transferred(), "only the missing bytes were fetched");
    assertEquals(
        List.of("bytes=350000-499999", "bytes=750000-999999"),
        ranged().stream().map(RecordedRequest::range).distinct().sorted().toList());
  }

  @Test
  void aStaleSidecarIsIgnored() throws Exception {
    Path partial = TransferEngine.partialFile(work, request());
    Files.writeString(PartedDownload.sidecar(partial), "gpux-parts 1 12345\n0 12345 12345\n");
    DownloadedFile f = fetch();
    assertArrayEquals(CONTENT, Files.readAllBytes(f.file()));
    assertEquals(0, f.resumedFrom());
  }

  @Test
  void aCorruptPartIsCaughtByTheWholeFileDigestAndFetchedAgain() throws Exception {
    hub.faults().next("model.onnx_data", Fault.corrupt());
    DownloadedFile f = fetch();
    assertArrayEquals(CONTENT, Files.readAllBytes(f.file()));
    assertEquals(SHA256, f.sha256());
  }

  private static byte[] random(int n) {
    byte[] b = new byte[n];
    new Random(11).nextBytes(b);
    return b;
  }
}
