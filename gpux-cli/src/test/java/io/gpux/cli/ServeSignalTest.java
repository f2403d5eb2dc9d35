package io.gpux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gpux.testing.OnnxModels;
import io.gpux.testing.PrometheusSamples;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gpux serve} as a real child process, stopped by a real SIGTERM while requests run inside
 * ONNX Runtime: they are answered, the process exits 0, and nothing crashes (ONNX Runtime's own
 * shutdown hook used to free its environment under the running sessions: SIGSEGV).
 */
class ServeSignalTest {
  private static final int SIZE = 1024;
  @TempDir Path dir;
  private final HttpClient client = HttpClient.newHttpClient();
  private ServeProcess served;
  private Process server;
  private StringBuffer output;

  @AfterEach
  void stop() throws Exception {
    if (served != null) {
      served.close();
    }
  }

  /** Starts {@code gpux serve} on a free port; returns the port once the models are warm. */
  private int serve(Path model, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of(model.toString()));
    args.addAll(List.of(extra));
    served = ServeProcess.start(dir, Map.of("GPUX_HOME", dir.resolve("home").toString()), args);
    server = served.process;
    output = served.output;
    return served.httpPort;
  }

  private void terminate() throws Exception {
    served.terminate();
  }

  private void assertCleanExit() throws Exception {
    assertTrue(server.waitFor(120, TimeUnit.SECONDS), "the server exits:\n" + output);
    String out = output.toString();
    assertEquals(0, server.exitValue(), "exit code 0 after SIGTERM:\n" + out);
    assertFalse(out.contains("SIGSEGV") || out.contains("SIGBUS"), out);
    assertFalse(out.contains("A fatal error has been detected"), out);
    try (Stream<Path> files = Files.list(dir)) {
      assertTrue(
          files.noneMatch(f -> f.getFileName().toString().startsWith("hs_err")),
          "no JVM crash log");
    }
    assertTrue(out.contains("gpux: SIGTERM: stopping"), out);
    assertTrue(out.contains("gpux: stopped"), out);
  }

  @Test
  void sigtermWhileModelsRunAnswersEveryRequestAndExitsZero() throws Exception {
    Path model = OnnxModels.matMulChain(Files.createDirectories(dir.resolve("slow")), SIZE, 8);
    int port = serve(model, "--workers", "2", "--drain-timeout", "120");
    // 256 rows through eight 1024x1024 products: long enough that SIGTERM lands mid-run.
    StringBuilder rows = new StringBuilder("{\"x\": [");
    String row = "[" + "0.5,".repeat(SIZE - 1) + "0.5]";
    for (int r = 0; r < 256; r++) {
      rows.append(r == 0 ? "" : ",").append(row);
    }
    String body = rows.append("]}").toString();
    List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      answers.add(
          client.sendAsync(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/predict"))
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString()));
    }
    // Signal only once two requests are inside ONNX Runtime (the server's in-flight gauge).
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (inflight(port) < 2 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertTrue(inflight(port) >= 2, "two requests were running when the signal came");
    terminate();
    for (CompletableFuture<HttpResponse<String>> a : answers) {
      HttpResponse<String> r = a.get(180, TimeUnit.SECONDS);
      assertEquals(200, r.statusCode(), "a request in flight at SIGTERM is answered: " + r.body());
    }
    assertCleanExit();
  }

  @Test
  void anIdleServerStopsOnSigterm() throws Exception {
    Path model = OnnxModels.addOne(Files.createDirectories(dir.resolve("add")));
    serve(model);
    terminate();
    assertCleanExit();
  }

  private int inflight(int port) throws Exception {
    String m =
        client
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    return (int)
        PrometheusSamples.parse(m).matching("gpux_inference_inflight_requests").stream()
            .mapToDouble(PrometheusSamples.Sample::value)
            .sum();
  }
}
