package io.gpux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.gpux.testing.RepoFiles;
import io.gpux.testing.Slow;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gpux serve --log-format json} as a child process: every line it writes to standard error,
 * from start to SIGTERM, is a JSON object with timestamp, level, logger, event and message; the
 * failed requests among them carry the model, status, error and X-Request-Id; standard output stays
 * empty (the banner is in the log).
 */
@Slow
class ServeJsonLogTest {
  @TempDir Path dir;

  @Test
  void everyLineOnStandardErrorIsAJsonEvent() throws Exception {
    Path err = dir.resolve("err.log");
    Path out = dir.resolve("out.log");
    ProcessBuilder pb =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "io.gpux.cli.Main",
                "serve",
                RepoFiles.root().resolve("examples/digits").toString(),
                "--port",
                "0",
                "--log-format",
                "json")
            .directory(dir.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
    pb.environment().put("GPUX_HOME", dir.resolve("home").toString());
    pb.environment().remove("GPUX_LOG_FORMAT");
    // Not on the command line: ONNX Runtime crashes on a /proc/self/cmdline over ~4 KiB.
    pb.environment().put("CLASSPATH", System.getProperty("java.class.path"));
    Process p = pb.start();
    try {
      int port = -1;
      boolean ready = false;
      for (int i = 0; i < 1200 && !ready; i++) {
        for (JsonNode n : LogFormatTest.jsonLines(complete(err))) {
          if (n.get("event").asText().equals("server.listening")) {
            port = n.get("port").asInt();
          }
          ready |= n.get("event").asText().equals("server.ready");
        }
        assertTrue(p.isAlive(), () -> "serve exited:\n" + read(err));
        Thread.sleep(100);
      }
      assertTrue(ready && port > 0, () -> "ready, with its port:\n" + read(err));

      HttpClient client = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + port;
      String sample = Files.readString(RepoFiles.root().resolve("examples/digits/sample.json"));
      assertEquals(200, post(client, base + "/predict", sample, null).statusCode());
      assertEquals(
          400,
          post(
                  client,
                  base + "/v2/models/digits/infer",
                  "{\"inputs\":[{\"name\":\"pixels\",\"shape\":[1,3],\"datatype\":\"FP32\","
                      + "\"data\":[1,2,3]}]}",
                  "req-7")
              .statusCode());
      assertEquals(404, post(client, base + "/v2/models/ghost/infer", "{}", null).statusCode());
      assertEquals(400, post(client, base + "/predict/digits", "{bad", null).statusCode());

      new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor();
      assertTrue(p.waitFor(60, TimeUnit.SECONDS), "serve stops on SIGTERM");
      assertEquals(0, p.exitValue(), read(err));
    } finally {
      p.destroyForcibly();
    }

    List<JsonNode> lines = LogFormatTest.jsonLines(read(err));
    assertEquals("", read(out), "nothing but the log, which is on standard error");
    List<String> events = new ArrayList<>();
    lines.forEach(n -> events.add(n.get("event").asText()));
    for (String e :
        List.of(
            "model.loaded",
            "server.listening",
            "server.ready",
            "server.stopping",
            "server.stopped")) {
      assertTrue(events.contains(e), e + " in " + events);
    }
    JsonNode loaded = lines.get(events.indexOf("model.loaded"));
    assertEquals("digits", loaded.get("model").asText());
    assertEquals("gpux.serve", loaded.get("logger").asText());

    List<JsonNode> failed =
        lines.stream().filter(n -> n.get("event").asText().equals("request.failed")).toList();
    assertEquals(3, failed.size(), "one event per failed request, none for the 200: " + failed);
    JsonNode shape = failed.get(0);
    assertEquals("INFO", shape.get("level").asText());
    assertEquals("gpux.server.http", shape.get("logger").asText());
    assertEquals("digits", shape.get("model").asText());
    assertEquals("req-7", shape.get("request_id").asText());
    assertEquals(400, shape.get("status").asInt());
    assertTrue(shape.get("error").asText().contains("dimension 1 must be 64"), shape.toString());
    assertEquals("ghost", failed.get(1).get("model").asText());
    assertEquals(404, failed.get(1).get("status").asInt());
    assertEquals("digits", failed.get(2).get("model").asText());
    assertTrue(failed.get(2).get("error").asText().contains("not valid JSON"), failed.toString());
  }

  private static HttpResponse<String> post(
      HttpClient client, String url, String body, String requestId) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url))
            .version(HttpClient.Version.HTTP_1_1)
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (requestId != null) {
      b.header("X-Request-Id", requestId);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The lines written so far, without a last one still being written. */
  private static String complete(Path file) throws java.io.IOException {
    String s = read(file);
    int end = s.lastIndexOf('\n');
    return end < 0 ? "" : s.substring(0, end + 1);
  }
}
