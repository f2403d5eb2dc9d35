package io.gpux.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gpux.Gpux;
import io.gpux.runtime.RuntimeOptions;
import io.gpux.testing.OnnxModels;
import io.gpux.testing.PrometheusSamples;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Overload and shutdown with many requests at once against a model slow enough (a chain of
 * 1024x1024 matrix products) that they overlap. Counts and statuses are asserted, never times.
 */
class ServerUnderLoadTest {
  private static final int SIZE = 1024;
  // 256 rows make each request a few GFLOP, so six behind one compute slot take a second or more:
  // the shutdown test sees some still in flight however fast the machine (8 rows took ~60 ms).
  private static final int ROWS = 256;
  @TempDir Path dir;
  private final Gpux gpux = Gpux.open();
  private final HttpClient client = HttpClient.newHttpClient();
  private final ExecutorService pool = Executors.newFixedThreadPool(24);
  private ServedModel slow;
  private InferenceServer server;
  private String body;

  @BeforeEach
  void load() throws Exception {
    Path model = OnnxModels.matMulChain(Files.createDirectories(dir.resolve("slow")), SIZE, 6);
    slow = new ServedModel("slow", "1", gpux.load(model.toString(), RuntimeOptions.defaults()));
    StringBuilder rows = new StringBuilder("{\"x\": [");
    for (int r = 0; r < ROWS; r++) {
      rows.append(r == 0 ? "" : ",").append('[');
      for (int c = 0; c < SIZE; c++) {
        rows.append(c == 0 ? "" : ",").append("0.5");
      }
      rows.append(']');
    }
    body = rows.append("]}").toString();
  }

  @AfterEach
  void stop() {
    pool.shutdownNow();
    if (server != null) {
      server.close(0);
    }
    gpux.close();
  }

  private HttpResponse<String> predict() throws IOException, InterruptedException {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/predict"))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private List<Future<HttpResponse<String>>> burst(int n) {
    CountDownLatch go = new CountDownLatch(1);
    List<Future<HttpResponse<String>>> answers = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      answers.add(
          pool.submit(
              () -> {
                go.await();
                return predict();
              }));
    }
    go.countDown();
    return answers;
  }

  @Test
  void overloadIsRefusedWith503AndRetryAfterNeverAnError() throws Exception {
    server =
        InferenceServer.start(
            List.of(slow),
            ServerOptions.defaults().withAddress("127.0.0.1", 0).withLimits(1, 1, 64 << 20));
    assertTrue(server.awaitReady(60_000));
    int ok = 0;
    int refused = 0;
    for (Future<HttpResponse<String>> f : burst(20)) {
      HttpResponse<String> r = f.get(120, TimeUnit.SECONDS);
      if (r.statusCode() == 503) {
        refused++;
        assertNotNull(r.headers().firstValue("Retry-After").orElse(null), "503 says when to retry");
        assertTrue(r.body().contains("\"error\""), r.body());
      } else {
        assertEquals(200, r.statusCode(), r.body());
        ok++;
      }
    }
    assertTrue(ok >= 1, "requests within capacity are answered");
    assertTrue(refused >= 1, "20 requests at once against a capacity of 2: some are refused");
    HttpResponse<String> metrics =
        client.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/metrics"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(
        refused,
        PrometheusSamples.parse(metrics.body()).value("gpux_server_rejected_requests_total"),
        metrics.body());
    assertEquals(200, predict().statusCode(), "after the burst the server answers again");
  }

  @Test
  void shutdownFinishesRequestsInFlightThenRefusesNewOnes() throws Exception {
    server =
        InferenceServer.start(
            List.of(slow),
            ServerOptions.defaults().withAddress("127.0.0.1", 0).withLimits(1, 16, 64 << 20));
    assertTrue(server.awaitReady(60_000));
    int port = server.port();
    List<Future<HttpResponse<String>>> inFlight = burst(6);
    // Wait until the server has taken all six (answered, computing, or waiting for the one compute
    // slot), so none is still in the kernel's accept queue at close.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    int[] seen = counts();
    while (seen[0] + seen[1] < 6 && System.nanoTime() < deadline) {
      Thread.sleep(2);
      seen = counts();
    }
    assertEquals(6, seen[0] + seen[1], "all six reached the server");
    server.close(60);
    assertFalse(server.ready(), "a closing server is not ready");
    for (Future<HttpResponse<String>> f : inFlight) {
      HttpResponse<String> r = f.get(120, TimeUnit.SECONDS);
      assertEquals(200, r.statusCode(), "a request accepted before shutdown is answered");
    }
    assertTrue(seen[1] >= 1, "some were still in flight when close began: " + seen[1]);
    assertThrows(
        IOException.class,
        () ->
            client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build(),
                HttpResponse.BodyHandlers.ofString()),
        "a stopped server accepts no connection");
    server = null;
  }

  /** Requests answered and requests in flight, from /metrics. */
  private int[] counts() throws Exception {
    String m =
        client
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    PrometheusSamples samples = PrometheusSamples.parse(m);
    return new int[] {
      (int)
          samples
              .find(
                  "gpux_inference_requests_total",
                  "model",
                  "slow",
                  "version",
                  "1",
                  "outcome",
                  "success")
              .orElse(0),
      (int)
          samples
              .find("gpux_inference_inflight_requests", "model", "slow", "version", "1")
              .orElse(0)
    };
  }
}
