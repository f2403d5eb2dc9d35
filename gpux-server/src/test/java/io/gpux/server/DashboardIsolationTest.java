package io.gpux.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gpux.Gpux;
import io.gpux.config.GpuxSettings;
import io.gpux.monitor.Dashboard;
import io.gpux.monitor.History;
import io.gpux.runtime.RuntimeOptions;
import io.gpux.testing.OnnxModels;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * /dashboard on gpux serve does not compete with inference: it runs on a small pool of its own, so
 * hostile or merely slow dashboard clients (a stuck history read, a client that dribbles its
 * request or never reads the answer, a malformed or oversized query, an unknown model filter) leave
 * /predict answering, and each gets a 4xx or 503, never a stack trace.
 */
class DashboardIsolationTest {
  @TempDir Path dir;
  @TempDir Path home;

  private static final String PREDICT = "{\"x\": [[1, 2, 3, 4]]}";

  private static RawHttp.Reply get(int port, String path) throws Exception {
    return RawHttp.call(port, RawHttp.request("GET", path, ""));
  }

  private static void assertPredictAnswers(int port) throws Exception {
    for (int i = 0; i < 5; i++) {
      RawHttp.Reply r = RawHttp.call(port, RawHttp.request("POST", "/predict", PREDICT));
      assertEquals(200, r.status(), r.body());
    }
  }

  @Test
  void hostileDashboardClientsLeaveInferenceAnswering() throws Exception {
    OnnxModels.addOne(Files.createDirectories(dir.resolve("add")));
    GpuxSettings settings =
        GpuxSettings.fromEnvironment(Map.of("GPUX_HOME", home.toString()), home);
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService clients = Executors.newCachedThreadPool();
    try (Gpux gpux = Gpux.open(dir, settings);
        InferenceServer server =
            InferenceServer.start(
                List.of(
                    new ServedModel(
                        "add-one",
                        "1",
                        gpux.load(dir.resolve("add").toString(), RuntimeOptions.defaults()))),
                ServerOptions.defaults().withAddress("127.0.0.1", 0));
        History history = gpux.monitor().openHistory()) {
      assertTrue(server.awaitReady(30_000));
      int port = server.port();
      // A dashboard whose insights never come back until released: a history read stuck as a
      // week of history on a slow disk would be.
      server.dashboard(
          new Dashboard(
              history,
              () -> {
                try {
                  release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                return List.of();
              },
              m -> List.of(),
              Clock.systemUTC(),
              true,
              Duration.ofSeconds(2)));

      // Unknown model filter, malformed query, oversized query: 4xx, one line, no stack trace.
      RawHttp.Reply unknown = get(port, "/dashboard/api/series?model=nope");
      assertEquals(400, unknown.status(), unknown.body());
      assertTrue(unknown.body().contains("no model nope in the history"), unknown.body());
      RawHttp.Reply range = get(port, "/dashboard/api/overview?range=forever");
      assertEquals(400, range.status(), range.body());
      RawHttp.Reply percent = get(port, "/dashboard/api/series?model=%zz");
      assertEquals(400, percent.status(), percent.body());
      RawHttp.Reply huge = get(port, "/dashboard/api/series?model=" + "a".repeat(20_000));
      assertTrue(huge.status() == 431 || huge.status() == 414, huge.status() + " " + huge.body());
      for (RawHttp.Reply r : List.of(unknown, range, percent, huge)) {
        assertFalse(r.body().contains("\tat ") || r.body().contains("Exception"), r.body());
      }

      // Slow clients: one dribbles its request line, one never reads a large answer.
      try (Socket dribble = new Socket("127.0.0.1", port);
          Socket deaf = new Socket("127.0.0.1", port)) {
        OutputStream d = dribble.getOutputStream();
        d.write("GET /dashboard/app.js HT".getBytes(StandardCharsets.ISO_8859_1));
        d.flush();
        deaf.setReceiveBufferSize(1024);
        for (int i = 0; i < 50; i++) {
          deaf.getOutputStream()
              .write(
                  "GET /dashboard/uPlot.min.js HTTP/1.1\r\nHost: x\r\n\r\n"
                      .getBytes(StandardCharsets.ISO_8859_1));
        }
        deaf.getOutputStream().flush();

        // Fill the dashboard's pool and queue with stuck reads: the next dashboard request is
        // refused at once, and inference goes on meanwhile.
        List<Future<RawHttp.Reply>> stuck = new ArrayList<>();
        int capacity = HttpTransport.DASHBOARD_THREADS + HttpTransport.DASHBOARD_QUEUE;
        for (int i = 0; i < capacity; i++) {
          stuck.add(clients.submit(() -> get(port, "/dashboard/api/insights")));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        RawHttp.Reply busy = null;
        while (System.nanoTime() < deadline) {
          Future<RawHttp.Reply> probe = clients.submit(() -> get(port, "/dashboard/api/insights"));
          try {
            busy = probe.get(500, TimeUnit.MILLISECONDS);
            break; // answered (the queue was full): refused
          } catch (java.util.concurrent.TimeoutException queued) {
            stuck.add(probe); // it found room in the queue: it waits with the others
          }
        }
        assertTrue(busy != null, "a full dashboard pool refuses");
        assertEquals(503, busy.status(), busy.body());
        assertTrue(busy.body().contains("the dashboard is busy"), busy.body());
        assertEquals("1", busy.headers().get("retry-after"));
        assertPredictAnswers(port);
        assertEquals(200, get(port, "/health").status(), "cheap answers are not behind it either");

        release.countDown();
        // Those that found room are answered once the reads come back; any that came when the
        // slow clients held a place were refused like the probe.
        int answered = 0;
        for (Future<RawHttp.Reply> f : stuck) {
          int status = f.get(30, TimeUnit.SECONDS).status();
          assertTrue(status == 200 || status == 503, "status " + status);
          answered += status == 200 ? 1 : 0;
        }
        assertTrue(answered >= HttpTransport.DASHBOARD_QUEUE, answered + " answered");
        d.write("TP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        d.flush();
      }
      assertPredictAnswers(port);
      assertEquals(200, get(port, "/dashboard/api/overview").status());
    } finally {
      release.countDown();
      clients.shutdownNow();
    }
  }
}
