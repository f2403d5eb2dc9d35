package io.gpux.testing.hf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each scripted fault, on the wire, and how faults are matched and spent. */
class FaultPlanTest {
  private static final byte[] MODEL = FakeHfHubDownloadTest.bytes(10_000);
  private static final byte[] CONFIG = FakeHfHubDownloadTest.bytes(300);

  private FakeHfHub hub;
  private String sha256;

  @BeforeEach
  void start() {
    hub = FakeHfHub.start();
    hub.repo("acme/bert").file("config.json", CONFIG).lfsFile("onnx/model.onnx", MODEL).commit("c");
    sha256 = hub.repo("acme/bert").files("main").get("onnx/model.onnx").sha256();
  }

  @AfterEach
  void stop() {
    hub.close();
  }

  @Test
  void dropAfterHangsUpMidBodyOnce() throws Exception {
    hub.faults().next("onnx/model.onnx", Fault.dropAfter(1000));
    Wire w = cdnGet("");
    assertTrue(w.head.contains("content-length: 10000"), w.head);
    assertEquals(1000, w.body.length, "the body stops after 1000 bytes and the connection closes");
    assertArrayEquals(Arrays.copyOf(MODEL, 1000), w.body);
    assertEquals(0, hub.faults().pending());
    assertArrayEquals(MODEL, Http.get(hub.cdnUrl(sha256)).body(), "spent after one use");
  }

  @Test
  void aClientSeesADroppedConnectionAsAnError() {
    hub.faults().next(sha256, Fault.dropAfter(10));
    assertThrows(IOException.class, () -> Http.get(hub.cdnUrl(sha256)));
  }

  @Test
  void dropCountsFromTheStartOfARangedBody() throws Exception {
    hub.faults().next("model.onnx", Fault.dropAfter(100));
    Wire w = cdnGet("Range: bytes=5000-\r\n");
    assertTrue(w.head.startsWith("http/1.1 206"), w.head);
    assertArrayEquals(Arrays.copyOfRange(MODEL, 5000, 5100), w.body);
  }

  @Test
  void truncateLeavesOutTheLastBytesThenHangsUp() throws Exception {
    hub.faults().next("config.json", Fault.truncate(1));
    Wire w = raw("GET /acme/bert/resolve/main/config.json", "");
    assertTrue(w.head.contains("content-length: 300"), w.head);
    assertArrayEquals(Arrays.copyOf(CONFIG, 299), w.body);
  }

  @Test
  void stallPausesMidBodyThenSendsTheRest() throws Exception {
    hub.faults().next("model.onnx", Fault.stall(4096, Duration.ofMillis(400)));
    long t0 = System.nanoTime();
    Wire w = cdnGet("");
    long millis = (System.nanoTime() - t0) / 1_000_000;
    assertArrayEquals(MODEL, w.body);
    assertTrue(millis >= 400, "took " + millis + " ms");
  }

  @Test
  void statusFaultAnswersWithRetryAfterAndAHubError() throws Exception {
    hub.faults().next("model.onnx", Fault.status(429, Duration.ofSeconds(7)));
    HttpResponse<byte[]> r = Http.get(hub.cdnUrl(sha256));
    assertEquals(429, r.statusCode());
    assertEquals("7", r.headers().firstValue("Retry-After").orElseThrow());
    assertTrue(JsonValues.object(Http.text(r)).containsKey("error"));
    assertEquals(200, Http.get(hub.cdnUrl(sha256)).statusCode());
  }

  @Test
  void statusFaultsCanBeSpentSeveralTimesAndHitApiRoutes() throws Exception {
    hub.faults().next("/api/models", Fault.status(503), 2);
    assertEquals(503, Http.get(hub.url() + "/api/models").statusCode());
    assertEquals(1, hub.faults().pending());
    assertEquals(503, Http.get(hub.url() + "/api/models/acme/bert").statusCode());
    assertEquals(200, Http.get(hub.url() + "/api/models/acme/bert").statusCode());
  }

  @Test
  void ignoreRangeSendsTheWholeBodyWith200() throws Exception {
    hub.faults().next("model.onnx", Fault.ignoreRange());
    HttpResponse<byte[]> r = Http.get(hub.cdnUrl(sha256), "Range", "bytes=9000-");
    assertEquals(200, r.statusCode());
    assertTrue(r.headers().firstValue("Content-Range").isEmpty());
    assertArrayEquals(MODEL, r.body());
  }

  @Test
  void corruptFlipsOneByteAndKeepsTheLength() throws Exception {
    hub.faults().next("model.onnx", Fault.corrupt()).next("model.onnx", Fault.corruptAt(3));
    byte[] middle = Http.get(hub.cdnUrl(sha256)).body();
    assertEquals(MODEL.length, middle.length);
    assertEquals(1, differences(MODEL, middle));
    assertTrue(middle[5000] != MODEL[5000]);
    byte[] third = Http.get(hub.cdnUrl(sha256)).body();
    assertTrue(third[3] != MODEL[3]);
    assertEquals(1, differences(MODEL, third));
  }

  @Test
  void stringFaultsWaitForADownloadAndSkipHeadAndRedirects() throws Exception {
    hub.faults().next("onnx/model.onnx", Fault.dropAfter(1));
    Http.head(hub.url() + "/acme/bert/resolve/main/onnx/model.onnx");
    Http.get(hub.url() + "/acme/bert/resolve/main/onnx/model.onnx"); // a 302, no bytes
    Http.head(hub.cdnUrl(sha256));
    assertEquals(1, hub.faults().pending(), "nothing that sent no file bytes spent the fault");
    assertThrows(IOException.class, () -> Http.get(hub.cdnUrl(sha256)));
  }

  @Test
  void pathPredicateFaultsSeeEveryMethod() throws Exception {
    hub.faults().next(path -> path.endsWith("config.json"), Fault.status(500));
    assertEquals(500, Http.head(hub.url() + "/acme/bert/resolve/main/config.json").statusCode());
    assertEquals(200, Http.head(hub.url() + "/acme/bert/resolve/main/config.json").statusCode());
  }

  @Test
  void requestPredicateFaultsJudgeMethodAndHeaders() throws Exception {
    hub.faults()
        .nextRequest(
            r -> r.method().equals("HEAD") && r.path().endsWith("config.json"), Fault.status(500));
    assertEquals(200, Http.get(hub.url() + "/acme/bert/resolve/main/config.json").statusCode());
    assertEquals(500, Http.head(hub.url() + "/acme/bert/resolve/main/config.json").statusCode());
    assertEquals(200, Http.head(hub.url() + "/acme/bert/resolve/main/config.json").statusCode());
  }

  @Test
  void faultsAreTriedInOrderAndClearable() throws Exception {
    hub.faults().next("config.json", Fault.status(502)).next("config.json", Fault.status(504));
    assertEquals(502, Http.get(hub.url() + "/acme/bert/resolve/main/config.json").statusCode());
    hub.faults().clear();
    assertEquals(200, Http.get(hub.url() + "/acme/bert/resolve/main/config.json").statusCode());
    assertThrows(IllegalArgumentException.class, () -> hub.faults().next("x", Fault.corrupt(), 0));
  }

  /** A response as raw bytes: lower-cased head, and the body up to the server's hang-up. */
  private record Wire(String head, byte[] body) {}

  private Wire cdnGet(String extraHeaders) throws IOException {
    return raw("GET /cdn/" + sha256, extraHeaders);
  }

  private Wire raw(String requestLine, String extraHeaders) throws IOException {
    String all =
        Http.raw(
            hub.port(),
            requestLine
                + " HTTP/1.1\r\nHost: localhost\r\n"
                + extraHeaders
                + "Connection: close\r\n\r\n");
    int split = all.indexOf("\r\n\r\n");
    return new Wire(
        all.substring(0, split).toLowerCase(),
        all.substring(split + 4).getBytes(StandardCharsets.ISO_8859_1));
  }

  private static int differences(byte[] a, byte[] b) {
    int n = 0;
    for (int i = 0; i < a.length; i++) {
      n += a[i] == b[i] ? 0 : 1;
    }
    return n;
  }
}
