package io.gpux.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gpux.error.GpuxException;
import io.gpux.testing.kaggle.FakeKaggle;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A digest the storage server declares with the bytes ({@code x-goog-hash}), reached through an
 * RPC-style POST that a 302 turns into a GET on another host: checked like a listed one, on the JDK
 * client path and the socket path, fresh and resumed; credentials stay on the API host.
 */
class ResponseDigestTest {
  private static final byte[] CONTENT = new byte[200_000];

  static {
    new Random(7).nextBytes(CONTENT);
  }

  @TempDir Path work;
  private final FakeKaggle kaggle = FakeKaggle.start().requireToken("t0ken");
  private final HttpTransport http =
      new HttpTransport(
          HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build(),
          RetryPolicy.defaults(),
          ms -> {},
          false);

  ResponseDigestTest() {
    kaggle.publish("acme", "m", "ONNX", "v", Map.of("model.bin", CONTENT));
  }

  @AfterEach
  void stop() {
    assertEquals(List.of(), kaggle.unknownRequests());
    assertEquals(List.of(), kaggle.credentialedDownloads(), "the token stays on the API host");
    kaggle.close();
  }

  private DownloadRequest request() {
    byte[] body =
        ("{\"ownerSlug\":\"acme\",\"modelSlug\":\"m\",\"framework\":\"MODEL_FRAMEWORK_ONNX\","
                + "\"instanceSlug\":\"v\",\"versionNumber\":1,\"path\":\"model.bin\"}")
            .getBytes(StandardCharsets.UTF_8);
    HttpCall call =
        HttpCall.post(
                URI.create(
                    kaggle.url() + "/api/v1/models.ModelApiService/DownloadModelInstanceVersion"),
                body)
            .header("Content-Type", "application/json")
            .credentials(Map.of("Authorization", "Bearer t0ken"));
    return new DownloadRequest(
        "model.bin",
        call,
        CONTENT.length,
        null,
        RegistryDigest.inResponse(RegistryDigest.Algorithm.MD5, "x-goog-hash"));
  }

  private static String md5() throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(CONTENT));
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void thePostIsRedirectedAsAGetAndItsBytesAreCheckedAgainstTheDeclaredMd5(boolean socket)
      throws Exception {
    TransferOptions options =
        socket ? TransferOptions.defaults().withParts(4096, 8) : TransferOptions.defaults();
    DownloadedFile f =
        new TransferEngine(http, options)
            .download(List.of(request()), work, TransferListener.NONE)
            .get(0);
    assertEquals(io.gpux.digest.Sha256.hex(CONTENT), f.sha256());
    assertEquals("md5:" + md5(), f.registryDigest());
    assertTrue(
        kaggle.requests().stream().anyMatch(r -> r.startsWith("GET /gcs/")),
        kaggle.requests().toString());
  }

  @Test
  void aResumedDownloadIsCheckedOverTheWholeFile() throws Exception {
    DownloadRequest r = request();
    Path partial = TransferEngine.partialFile(work, r);
    Files.createDirectories(work);
    Files.write(partial, java.util.Arrays.copyOf(CONTENT, 50_000));
    DownloadedFile f =
        new TransferEngine(http, TransferOptions.defaults())
            .download(List.of(r), work, TransferListener.NONE)
            .get(0);
    assertEquals(50_000, f.resumedFrom());
    assertEquals("md5:" + md5(), f.registryDigest());
  }

  @Test
  void bytesThatDoNotMatchTheDeclarationFailTwiceAndAreDeleted() {
    kaggle.corrupt("acme", "m", "v", "model.bin");
    GpuxException e =
        assertThrows(
            GpuxException.class,
            () ->
                new TransferEngine(http, TransferOptions.defaults())
                    .download(List.of(request()), work, TransferListener.NONE));
    assertTrue(e.getMessage().contains("failed verification both times"), e.getMessage());
    assertTrue(e.getMessage().contains("as the server's x-goog-hash declares"), e.getMessage());
    assertTrue(!Files.exists(TransferEngine.partialFile(work, request())), "nothing is left");
  }

  @Test
  void theDeclaredValueIsReadFromItsPairAndAbsentWhenTheServerGivesNone() {
    RegistryDigest d = RegistryDigest.inResponse(RegistryDigest.Algorithm.MD5, "x-goog-hash");
    HttpHeaders both =
        HttpHeaders.of(
            Map.of("x-goog-hash", List.of("crc32c=n03x6A==,md5=Ojk9c3dhfxgoKVVHYwFbHQ==")),
            (a, b) -> true);
    assertEquals("3a393d7377617f18282955476301 5b1d".replace(" ", ""), d.expected(both));
    HttpHeaders split =
        HttpHeaders.of(
            Map.of("x-goog-hash", List.of("crc32c=n03x6A==", "md5=Ojk9c3dhfxgoKVVHYwFbHQ==")),
            (a, b) -> true);
    assertEquals(d.expected(both), d.expected(split));
    HttpHeaders composite =
        HttpHeaders.of(Map.of("x-goog-hash", List.of("crc32c=n03x6A==")), (a, b) -> true);
    assertNull(d.expected(composite), "a composite object has no MD5: checked by size only");
    assertEquals("md5:<x-goog-hash>", d.toString());
  }
}
