package io.gpux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gpux.testing.OnnxModels;
import io.gpux.testing.PrometheusSamples;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
  private Process server;
  private final StringBuffer output = new StringBuffer();

  @AfterEach
  void stop() throws Exception {
    if (server != null && server.isAlive()) {
      server.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }

  /** Starts {@code gpux serve} on a free port; returns the port once the models are warm. */
  private int serve(Path model, String... extra) throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "io.gpux.cli.Main",
                "serve",
                model.toString(),
                "--port",
                "0"));
    cmd.addAll(List.of(extra));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().put("GPUX_HOME", dir.resolve("home").toString());
    // The class path goes in the environment, not on the command line: ONNX Runtime 1.29 reads
    // /proc/self/cmdline when it creates a session and crashes (SIGSEGV) when it is over ~4 KiB.
    pb.environment().put("CLASSPATH", System.getProperty("java.class.path"));
    server = pb.start();
    CompletableFuture<Integer> port = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
                Pattern serving = Pattern.compile("Serving .* on http://[^:]+:(\\d+)");
                for (String line; (line = in.readLine()) != null; ) {
                  output.append(line).append('\n');
                  Matcher m = serving.matcher(line);
                  if (m.find()) {
                    port.complete(Integer.parseInt(m.group(1)));
                  }
                  if (line.contains("gpux: ready")) {
                    synchronized (output) {
                      output.notifyAll();
                    }
                  }
                }
              } catch (java.io.IOException e) {
                // the process ended
              }
              port.complete(-1);
            });
    reader.setDaemon(true);
    reader.start();
    int p = port.get(120, TimeUnit.SECONDS);
    assertTrue(p > 0, "the server printed its port:\n" + output);
    synchronized (output) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (!output.toString().contains("gpux: ready") && System.nanoTime() < deadline) {
        output.wait(1000);
      }
    }
    assertTrue(output.toString().contains("gpux: ready"), output.toString());
    return p;
  }

  private void terminate() throws Exception {
    Process kill = new ProcessBuilder("kill", "-TERM", Long.toString(server.pid())).start();
    assertEquals(0, kill.waitFor(), "kill -TERM was delivered");
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
