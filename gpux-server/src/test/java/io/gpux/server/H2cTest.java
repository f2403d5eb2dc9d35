package io.gpux.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.gpux.Gpux;
import io.gpux.runtime.RuntimeOptions;
import io.gpux.testing.OnnxModels;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP/2 over cleartext (h2c) on the HTTP port, by the two ways clients ask for it: the JDK's
 * HttpClient upgrades (an HTTP/1.1 request with {@code Upgrade: h2c}, then HTTP/2 on the same
 * connection), and curl sends HTTP/2's preface at once ({@code --http2-prior-knowledge}). HTTP/1.1
 * stays as it was on the same port.
 */
class H2cTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  @TempDir Path dir;
  private final Gpux gpux = Gpux.open();
  private InferenceServer server;

  @BeforeEach
  void start() throws Exception {
    OnnxModels.addOne(Files.createDirectories(dir.resolve("add")));
    Files.writeString(
        dir.resolve("add/gpux.yml"), "name: add-one\nmodel: {source: ./add_one.onnx}\n");
    server =
        InferenceServer.start(
            List.of(
                new ServedModel(
                    "add-one",
                    "1",
                    gpux.load(dir.resolve("add").toString(), RuntimeOptions.defaults()))),
            ServerOptions.defaults()
                .withAddress("127.0.0.1", 0)
                .withLimits(4, 64, 100_000)
                .withTimeouts(
                    Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(1)));
    assertTrue(server.awaitReady(30_000), "models warm up and the server turns ready");
  }

  @AfterEach
  void stop() {
    server.close(0);
    gpux.close();
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  private static HttpRequest post(URI uri, String body) {
    return HttpRequest.newBuilder(uri)
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .header("Content-Type", "application/json")
        .build();
  }

  @Test
  void theJdkClientUpgradesAndThenSendsEveryRequestOverHttp2() throws Exception {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
    HttpResponse<String> ready =
        client.send(
            HttpRequest.newBuilder(uri("/v2/health/ready")).build(), BodyHandlers.ofString());
    assertEquals(HttpClient.Version.HTTP_2, ready.version(), "the Upgrade was accepted");
    assertEquals(200, ready.statusCode());

    HttpResponse<String> predict =
        client.send(post(uri("/predict"), "{\"x\": [[1, 2, 3, 4]]}"), BodyHandlers.ofString());
    assertEquals(HttpClient.Version.HTTP_2, predict.version());
    assertEquals(200, predict.statusCode(), predict.body());
    assertEquals("[[2.0,3.0,4.0,5.0]]", MAPPER.readTree(predict.body()).get("y").toString());

    // Many requests at once: streams of one connection, each answered in full.
    List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      String body =
          "{\"inputs\": [{\"name\": \"x\", \"shape\": [1, 4], \"datatype\": \"FP32\", \"data\": [["
              + i
              + ", 0, 0, 0]]}]}";
      calls.add(
          client.sendAsync(post(uri("/v2/models/add-one/infer"), body), BodyHandlers.ofString()));
    }
    for (int i = 0; i < calls.size(); i++) {
      HttpResponse<String> r = calls.get(i).get(60, TimeUnit.SECONDS);
      assertEquals(HttpClient.Version.HTTP_2, r.version());
      assertEquals(200, r.statusCode(), r.body());
      assertEquals(
          i + 1.0,
          MAPPER.readTree(r.body()).get("outputs").get(0).get("data").get(0).asDouble(),
          "stream " + i + " got its own answer");
    }

    // A refusal is a whole answer on its stream; the connection goes on.
    HttpResponse<String> tooLarge =
        client.send(
            post(uri("/predict"), "{\"x\": [" + "0,".repeat(60_000) + "0]}"),
            BodyHandlers.ofString());
    assertEquals(HttpClient.Version.HTTP_2, tooLarge.version());
    assertEquals(413, tooLarge.statusCode());
    assertTrue(tooLarge.body().contains("the limit is 100000 bytes"), tooLarge.body());
    HttpResponse<String> missing =
        client.send(post(uri("/v2/models/nope/infer"), "{}"), BodyHandlers.ofString());
    assertEquals(404, missing.statusCode());
    assertTrue(missing.body().contains("no model named 'nope'"), missing.body());
    assertEquals(
        200,
        client
            .send(HttpRequest.newBuilder(uri("/metrics")).build(), BodyHandlers.ofString())
            .statusCode());
  }

  @Test
  void aLargeFirstRequestIsNotUpgradedButAnsweredOverHttp11() throws Exception {
    // The upgrade handler would hold the body outside the memory budget, so a request with a
    // body over 64 KB stays HTTP/1.1 (a server may ignore Upgrade).
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
    StringBuilder rows = new StringBuilder("{\"x\": [");
    for (int r = 0; r < 6000; r++) { // 78 KB
      rows.append(r == 0 ? "" : ",").append("[1, 2, 3, 4]");
    }
    HttpResponse<String> r =
        client.send(post(uri("/predict"), rows.append("]}").toString()), BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    assertEquals(HttpClient.Version.HTTP_1_1, r.version());
    assertEquals(6000, MAPPER.readTree(r.body()).get("y").size());
  }

  @Test
  void curlWithPriorKnowledgeSpeaksHttp2FromTheFirstByte() throws Exception {
    String out =
        curl(
            "--http2-prior-knowledge",
            "-H",
            "Content-Type: application/json",
            "-d",
            "{\"x\": [[1, 2, 3, 4]]}",
            uri("/predict").toString());
    assertTrue(out.endsWith("\n2 200"), out);
    assertEquals(
        "[[2.0,3.0,4.0,5.0]]",
        MAPPER.readTree(out.substring(0, out.lastIndexOf('\n'))).get("y").toString());
    String head = curl("--http2-prior-knowledge", "-I", uri("/v2/health/live").toString());
    assertTrue(head.startsWith("HTTP/2 200"), head);
    String wrongMethod = curl("--http2-prior-knowledge", "-X", "DELETE", uri("/health").toString());
    assertTrue(wrongMethod.endsWith("\n2 405"), wrongMethod);
    String plain = curl("--http1.1", uri("/v2/health/ready").toString());
    assertTrue(plain.endsWith("\n1.1 200"), "HTTP/1.1 is unchanged on the same port: " + plain);
  }

  @Test
  void anIdleHttp2ConnectionGetsGoawayAndIsClosedAfterTheIdleTimeout() throws Exception {
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      s.setSoTimeout(60_000); // far beyond the 1 s idle timeout: EOF must come first
      OutputStream out = s.getOutputStream();
      out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0}); // an empty SETTINGS frame
      out.flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      in.transferTo(got); // returns at EOF: the server closed the connection
      List<Integer> types = frameTypes(got.toByteArray());
      assertEquals(4, types.get(0), "the server's SETTINGS come first: " + types);
      assertTrue(types.contains(7), "a GOAWAY before the close: " + types);
    }
  }

  /** The type of each HTTP/2 frame in {@code bytes}. */
  private static List<Integer> frameTypes(byte[] bytes) {
    List<Integer> types = new ArrayList<>();
    for (int at = 0; at + 9 <= bytes.length; ) {
      int length = (bytes[at] & 0xff) << 16 | (bytes[at + 1] & 0xff) << 8 | (bytes[at + 2] & 0xff);
      types.add(bytes[at + 3] & 0xff);
      at += 9 + length;
    }
    return types;
  }

  /** curl's output, then a line with the HTTP version and status it saw. */
  private static String curl(String... args) throws Exception {
    List<String> command =
        new ArrayList<>(List.of("curl", "-sS", "-w", "\n%{http_version} %{http_code}"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), "curl failed: " + out);
    return out.strip();
  }
}
