package io.gpux.testing.hf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** resolve and the CDN: headers the client relies on, redirects, ranges, errors, access. */
class FakeHfHubDownloadTest {
  private static final byte[] CONFIG = "{\"hidden\": 4}".getBytes(StandardCharsets.UTF_8);
  private static final byte[] MODEL = bytes(5000);

  private FakeHfHub hub;
  private String head;
  private HubFile model;

  @BeforeEach
  void start() {
    hub = FakeHfHub.start();
    head =
        hub.repo("acme/bert")
            .file("config.json", CONFIG)
            .file("dir with space/a+b.txt", "plus")
            .lfsFile("onnx/model.onnx", MODEL)
            .commit("initial");
    hub.repo("acme/bert").tag("v1");
    model = hub.repo("acme/bert").files("main").get("onnx/model.onnx");
  }

  @AfterEach
  void stop() {
    assertTrue(hub.unknownRoutes().isEmpty(), "unknown routes: " + hub.unknownRoutes());
    hub.close();
  }

  @Test
  void regularFileIsServedWithCommitGitBlobEtagAndExactLength() throws Exception {
    HttpResponse<byte[]> r = get("/acme/bert/resolve/main/config.json");
    assertEquals(200, r.statusCode());
    assertArrayEquals(CONFIG, r.body());
    assertEquals(head, header(r, "X-Repo-Commit"));
    assertEquals("\"" + HuggingFaceHubClientFidelityTest.gitBlob(CONFIG) + "\"", header(r, "ETag"));
    assertEquals(Integer.toString(CONFIG.length), header(r, "Content-Length"));
    assertEquals("bytes", header(r, "Accept-Ranges"));
    assertTrue(
        r.headers().map().keySet().stream().noneMatch(k -> k.toLowerCase().startsWith("x-xet")));
  }

  @Test
  void headCarriesTheRealContentLengthAndNoBody() throws Exception {
    String wire =
        Http.raw(
            hub.port(),
            "HEAD /acme/bert/resolve/main/config.json HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Accept-Encoding: identity\r\nConnection: close\r\n\r\n");
    assertTrue(wire.startsWith("HTTP/1.1 200"), wire);
    assertTrue(wire.toLowerCase().contains("content-length: " + CONFIG.length + "\r\n"), wire);
    assertTrue(wire.endsWith("\r\n\r\n"), "no body after the headers: " + wire);
    assertFalse(wire.toLowerCase().contains("content-encoding"), wire);

    String cdn =
        Http.raw(
            hub.port(),
            "HEAD /cdn/"
                + model.sha256()
                + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    assertTrue(cdn.toLowerCase().contains("content-length: 5000\r\n"), cdn);
    assertTrue(cdn.endsWith("\r\n\r\n"), cdn);
  }

  @Test
  void lfsFileRedirectsToTheCdnWithLinkedEtagAndSize() throws Exception {
    HttpResponse<byte[]> r = Http.head(hub.url() + "/acme/bert/resolve/main/onnx/model.onnx");
    assertEquals(302, r.statusCode());
    assertEquals(
        "http://localhost:" + hub.port() + "/cdn/" + model.sha256(), header(r, "Location"));
    assertEquals(head, header(r, "X-Repo-Commit"));
    assertEquals("\"" + model.sha256() + "\"", header(r, "X-Linked-Etag"));
    assertEquals("5000", header(r, "X-Linked-Size"));
    assertEquals("\"" + model.blobId() + "\"", header(r, "ETag"));
    HttpResponse<byte[]> body = Http.get(header(r, "Location"));
    assertEquals(200, body.statusCode());
    assertArrayEquals(MODEL, body.body());
    assertEquals("\"" + model.sha256() + "\"", header(body, "ETag"));
  }

  @Test
  void cdnHostCanBeTheApiHostOrAnother() throws Exception {
    hub.cdnHost("127.0.0.1");
    HttpResponse<byte[]> r = get("/acme/bert/resolve/main/onnx/model.onnx");
    assertEquals(hub.url() + "/cdn/" + model.sha256(), header(r, "Location"));
    assertEquals(hub.url() + "/cdn/" + model.sha256(), hub.cdnUrl(model.sha256()));
  }

  @Test
  void cdnHonoursOpenClosedAndSuffixRanges() throws Exception {
    String cdn = hub.cdnUrl(model.sha256());
    HttpResponse<byte[]> open = Http.get(cdn, "Range", "bytes=4000-");
    assertEquals(206, open.statusCode());
    assertEquals("bytes 4000-4999/5000", header(open, "Content-Range"));
    assertArrayEquals(Arrays.copyOfRange(MODEL, 4000, 5000), open.body());
    HttpResponse<byte[]> closed = Http.get(cdn, "Range", "bytes=10-19");
    assertEquals("bytes 10-19/5000", header(closed, "Content-Range"));
    assertEquals("10", header(closed, "Content-Length"));
    assertArrayEquals(Arrays.copyOfRange(MODEL, 10, 20), closed.body());
    HttpResponse<byte[]> past = Http.get(cdn, "Range", "bytes=4990-9999");
    assertArrayEquals(Arrays.copyOfRange(MODEL, 4990, 5000), past.body());
    HttpResponse<byte[]> suffix = Http.get(cdn, "Range", "bytes=-3");
    assertArrayEquals(Arrays.copyOfRange(MODEL, 4997, 5000), suffix.body());
  }

  @Test
  void rangeBeyondTheEndIs416WithTheSize() throws Exception {
    HttpResponse<byte[]> r = Http.get(hub.cdnUrl(model.sha256()), "Range", "bytes=5000-");
    assertEquals(416, r.statusCode());
    assertEquals("bytes */5000", header(r, "Content-Range"));
  }

  @Test
  void regularFilesHonourRangesToo() throws Exception {
    HttpResponse<byte[]> r = get("/acme/bert/resolve/main/config.json", "Range", "bytes=2-");
    assertEquals(206, r.statusCode());
    assertArrayEquals(Arrays.copyOfRange(CONFIG, 2, CONFIG.length), r.body());
  }

  @Test
  void revisionMayBeATagAShaOrAnEncodedPullRequestRef() throws Exception {
    String pr = hub.repo("acme/bert").file("config.json", "{}").pullRequest("pr");
    assertArrayEquals(CONFIG, get("/acme/bert/resolve/v1/config.json").body());
    assertArrayEquals(CONFIG, get("/acme/bert/resolve/" + head + "/config.json").body());
    HttpResponse<byte[]> atPr = get("/acme/bert/resolve/refs%2Fpr%2F1/config.json");
    assertEquals("{}", Http.text(atPr));
    assertEquals(pr, header(atPr, "X-Repo-Commit"));
    assertEquals("{}", Http.text(get("/acme/bert/resolve/refs/pr/1/config.json")));
  }

  @Test
  void percentEncodedFileNamesAreDecodedWithoutTurningPlusIntoSpace() throws Exception {
    HttpResponse<byte[]> r = get("/acme/bert/resolve/main/dir%20with%20space/a%2Bb.txt");
    assertEquals("plus", Http.text(r));
    assertEquals("plus", Http.text(get("/acme/bert/resolve/main/dir%20with%20space/a+b.txt")));
  }

  @Test
  void missingFileIsEntryNotFoundAndStillNamesTheCommit() throws Exception {
    HttpResponse<byte[]> r = Http.head(hub.url() + "/acme/bert/resolve/main/nope.bin");
    assertEquals(404, r.statusCode());
    assertEquals("EntryNotFound", header(r, "X-Error-Code"));
    assertEquals(head, header(r, "X-Repo-Commit"));
    HttpResponse<byte[]> body = get("/acme/bert/resolve/main/nope.bin");
    assertEquals(header(body, "X-Error-Message"), JsonValues.object(Http.text(body)).get("error"));
  }

  @Test
  void missingRepoAndRevisionAreTypedErrors() throws Exception {
    assertEquals(
        "RepoNotFound", header(get("/acme/nope/resolve/main/config.json"), "X-Error-Code"));
    HttpResponse<byte[]> rev = get("/acme/bert/resolve/nope/config.json");
    assertEquals(404, rev.statusCode());
    assertEquals("RevisionNotFound", header(rev, "X-Error-Code"));
  }

  @Test
  void gatedRepoRefusesAnonymousWith401AndUngrantedTokensWith403() throws Exception {
    hub.repo("acme/gated").file("config.json", "{}").gated("hf_ok").commit("c");
    HttpResponse<byte[]> anonymous = Http.head(hub.url() + "/acme/gated/resolve/main/config.json");
    assertEquals(401, anonymous.statusCode());
    assertEquals("GatedRepo", header(anonymous, "X-Error-Code"));
    HttpResponse<byte[]> wrong =
        get("/acme/gated/resolve/main/config.json", "Authorization", "Bearer hf_no");
    assertEquals(403, wrong.statusCode());
    assertEquals("GatedRepo", header(wrong, "X-Error-Code"));
    assertTrue(header(wrong, "X-Error-Message").contains("acme/gated"));
    assertEquals(
        200,
        get("/acme/gated/resolve/main/config.json", "Authorization", "Bearer hf_ok").statusCode());
  }

  @Test
  void privateRepoFilesNeedItsToken() throws Exception {
    hub.repo("acme/secret").file("config.json", "{}").privateRepo("hf_s").commit("c");
    assertEquals(
        "RepoNotFound", header(get("/acme/secret/resolve/main/config.json"), "X-Error-Code"));
    assertEquals(
        200,
        get("/acme/secret/resolve/main/config.json", "Authorization", "Bearer hf_s").statusCode());
  }

  @Test
  void cdnNeedsNoTokenEvenWhenTheHubRequiresOne() throws Exception {
    hub.requireToken("hf_team");
    assertEquals(401, get("/acme/bert/resolve/main/onnx/model.onnx").statusCode());
    HttpResponse<byte[]> r =
        get("/acme/bert/resolve/main/onnx/model.onnx", "Authorization", "Bearer hf_team");
    assertEquals(302, r.statusCode());
    assertEquals(200, Http.get(header(r, "Location")).statusCode());
  }

  @Test
  void everyRequestIsRecordedWithHostAuthorizationAndRange() throws Exception {
    get("/acme/bert/resolve/main/onnx/model.onnx", "Authorization", "Bearer hf_x");
    Http.get(hub.cdnUrl(model.sha256()), "Range", "bytes=100-");
    List<RecordedRequest> seen = hub.requests();
    assertEquals(2, seen.size());
    RecordedRequest resolve = seen.get(0);
    assertEquals("GET", resolve.method());
    assertEquals("127.0.0.1", resolve.host());
    assertEquals("/acme/bert/resolve/main/onnx/model.onnx", resolve.path());
    assertEquals("Bearer hf_x", resolve.authorization());
    assertEquals("hf_x", resolve.token());
    RecordedRequest cdn = seen.get(1);
    assertTrue(cdn.isCdn());
    assertEquals("localhost", cdn.host());
    assertNull(cdn.authorization());
    assertEquals("bytes=100-", cdn.range());
    hub.clearRequests();
    assertTrue(hub.requests().isEmpty());
  }

  @Test
  void emptyFilesAreServedWithZeroLength() throws Exception {
    hub.repo("acme/bert").file("empty.txt", new byte[0]).commit("empty");
    HttpResponse<byte[]> r = get("/acme/bert/resolve/main/empty.txt");
    assertEquals(200, r.statusCode());
    assertEquals(0, r.body().length);
    assertEquals("0", header(r, "Content-Length"));
  }

  private HttpResponse<byte[]> get(String path, String... headers) throws Exception {
    return Http.get(hub.url() + path, headers);
  }

  private static String header(HttpResponse<?> r, String name) {
    return r.headers().firstValue(name).orElse(null);
  }

  static byte[] bytes(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i * 31 + 7);
    }
    return b;
  }
}
