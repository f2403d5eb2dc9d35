package io.gpux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gpux.testing.OnnxModels;
import io.gpux.testing.hf.FakeHfHub;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gpux serve hf:acme/adder@main --follow} as a user runs it (a child process), under load,
 * while {@code gpux pull} moves the local name {@code main} to a new commit of the test hub and
 * {@code gpux rollback} moves it back: each time the server loads the version named, switches to it
 * and frees the other, with every request answered 200 by one version or the other, and that
 * version in each answer and in /metrics.
 */
class ServeFollowTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  @TempDir Path home;
  @TempDir Path cwd;
  private FakeHfHub hub;
  private ServeProcess served;
  private StringBuffer output;

  @BeforeEach
  void start() {
    hub = FakeHfHub.start();
  }

  @AfterEach
  void stop() throws Exception {
    if (served != null) {
      served.close();
    }
    hub.close();
  }

  /** y = x + {@code add}, float32 [batch, 4]. */
  private byte[] adder(float add) throws Exception {
    Path file = cwd.resolve("add" + add + ".onnx");
    OnnxModels.builder()
        .irVersion(8)
        .opset(17)
        .input("x", "float32", "batch", 4)
        .initializer("k", "float32", new long[0], new float[] {add})
        .node("Add", List.of("x", "k"), List.of("y"))
        .output("y", "float32", "batch", 4)
        .writeTo(file);
    return Files.readAllBytes(file);
  }

  private CliResult gpux(String... args) {
    return CliResult.run(cwd, Map.of("GPUX_HOME", home.toString(), "HF_ENDPOINT", hub.url()), args);
  }

  /** Starts gpux serve as a child process; returns its HTTP port once it is ready. */
  private int serve(String... args) throws Exception {
    served =
        ServeProcess.start(
            cwd, Map.of("GPUX_HOME", home.toString(), "HF_ENDPOINT", hub.url()), List.of(args));
    output = served.output;
    return served.httpPort;
  }

  /** One answer: its HTTP status, the version it names, and y[0][0]. */
  private record Answer(int status, String version, String header, double y, String body) {}

  @Test
  void aMovedLocalNameIsServedWithoutAFailedRequest() throws Exception {
    String v1 = hub.repo("acme/adder").lfsFile("model.onnx", adder(1)).commit("adds one");
    CliResult pull = gpux("pull", "hf:acme/adder@main");
    assertEquals(0, pull.exitCode(), pull.toString());
    int port = serve("hf:acme/adder@main", "--follow");

    URI infer = URI.create("http://127.0.0.1:" + port + "/v2/models/acme--adder/infer");
    String body =
        "{\"inputs\": [{\"name\": \"x\", \"shape\": [1, 4], \"datatype\": \"FP32\","
            + " \"data\": [1, 1, 1, 1]}]}";
    HttpClient client = HttpClient.newHttpClient();
    ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
    AtomicBoolean go = new AtomicBoolean(true);
    List<Thread> load = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      Thread th =
          new Thread(
              () -> {
                while (go.get()) {
                  try {
                    HttpResponse<String> r =
                        client.send(
                            HttpRequest.newBuilder(infer)
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                            HttpResponse.BodyHandlers.ofString());
                    String version = null;
                    double y = Double.NaN;
                    if (r.statusCode() == 200) {
                      JsonNode o = MAPPER.readTree(r.body());
                      version = o.get("model_version").asText();
                      y = o.get("outputs").get(0).get("data").get(0).asDouble();
                    }
                    answers.add(
                        new Answer(
                            r.statusCode(),
                            version,
                            r.headers().firstValue("Gpux-Model-Version").orElse(null),
                            y,
                            r.body()));
                  } catch (Exception e) {
                    answers.add(new Answer(-1, null, null, Double.NaN, e.toString()));
                  }
                }
              });
      th.setDaemon(true);
      th.start();
      load.add(th);
    }
    try {
      waitFor(() -> answers.size() >= 50, "answers from " + v1);
      String v2 = hub.repo("acme/adder").lfsFile("model.onnx", adder(2)).commit("adds two");
      CliResult moved = gpux("pull", "hf:acme/adder@main");
      assertEquals(0, moved.exitCode(), moved.toString());
      waitFor(() -> answers.stream().anyMatch(a -> v2.equals(a.version())), "answers from " + v2);
      int seen = answers.size();
      waitFor(() -> answers.size() >= seen + 50, "more answers from " + v2);
      waitFor(
          () -> output.toString().contains("gpux: unloaded acme/adder " + v1),
          "the old version freed once its requests ended");
      // gpux rollback moves the same local name back: followed the same way.
      CliResult back = gpux("rollback", "hf:acme/adder@main");
      assertEquals(0, back.exitCode(), back.toString());
      int before = answers.size();
      waitFor(
          () -> output.toString().contains("moved to " + v1), "the rollback to " + v1 + " seen");
      waitFor(
          () -> output.toString().contains("gpux: unloaded acme/adder " + v2),
          "v2 freed after the rollback");
      waitFor(
          () ->
              new ArrayList<>(answers)
                  .subList(before, answers.size()).stream().anyMatch(a -> v1.equals(a.version())),
          "answers from " + v1 + " again");
      go.set(false);
      for (Thread th : load) {
        th.join(60_000);
      }
      List<Answer> all = new ArrayList<>(answers);
      for (Answer a : all) {
        assertEquals(200, a.status(), "no request fails for the switch: " + a.body());
        assertEquals(a.version(), a.header(), "the header names the version too");
        assertEquals(a.version().equals(v1) ? 2.0 : 3.0, a.y(), 0, "computed by " + a.version());
      }
      assertTrue(all.stream().anyMatch(a -> v1.equals(a.version())), "v1 answered first");
      assertTrue(output.toString().contains("moved to " + v2), output.toString());
      String metrics =
          client
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      assertTrue(metrics.contains("version=\"" + v1 + "\""), metrics);
      assertTrue(metrics.contains("version=\"" + v2 + "\""), metrics);
    } finally {
      go.set(false);
    }
    served.terminateAndExpectCleanExit();
  }

  @Test
  void aProjectFolderCannotBeFollowed() throws Exception {
    OnnxModels.addOne(Files.createDirectories(cwd.resolve("add")));
    CliResult r = gpux("serve", "add", "--follow", "--port", "0");
    assertEquals(2, r.exitCode(), r.toString());
    assertTrue(
        r.err().contains("--follow follows a stored model's local name, and add is not one"),
        r.toString());
    assertTrue(r.err().contains("hint: serve a pulled model by its movable name"), r.toString());
  }

  private static void waitFor(java.util.function.BooleanSupplier condition, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("never saw " + what);
      }
      Thread.sleep(20);
    }
  }
}
