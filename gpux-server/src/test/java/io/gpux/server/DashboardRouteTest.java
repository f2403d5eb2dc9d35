package io.gpux.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gpux.Gpux;
import io.gpux.config.GpuxSettings;
import io.gpux.monitor.History;
import io.gpux.monitor.HistoryRecorder;
import io.gpux.runtime.RuntimeOptions;
import io.gpux.testing.OnnxModels;
import io.gpux.testing.RepoFiles;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real server recording its history: /dashboard over it, and the Grafana dashboard's queries
 * against its /metrics.
 */
class DashboardRouteTest {
  @TempDir Path dir;
  @TempDir Path home;
  private final HttpClient client = HttpClient.newHttpClient();

  private HttpResponse<String> get(int port, String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> predict(int port, String body) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/predict"))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", "application/json")
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theServerRecordsItsHistoryAndServesTheDashboard() throws Exception {
    OnnxModels.addOne(Files.createDirectories(dir.resolve("add")));
    GpuxSettings settings =
        GpuxSettings.fromEnvironment(Map.of("GPUX_HOME", home.toString()), home);
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
      assertEquals(404, get(server.port(), "/dashboard/").statusCode(), "off until given");
      HistoryRecorder recorder =
          gpux.monitor()
              .recorder(
                  history,
                  server.metrics(),
                  new HistoryRecorder.Settings(
                      Duration.ofHours(1), io.gpux.monitor.Retention.DEFAULT),
                  w -> {
                    throw new AssertionError(w);
                  });
      server.dashboard(gpux.monitor().dashboard(history, true));
      recorder.tick();
      for (int i = 0; i < 5; i++) {
        assertEquals(200, predict(server.port(), "{\"x\": [[1, 2, 3, 4]]}").statusCode());
      }
      assertEquals(400, predict(server.port(), "{\"nope\": 1}").statusCode());
      recorder.tick();

      HttpResponse<String> redirect = get(server.port(), "/dashboard");
      assertEquals(308, redirect.statusCode());
      assertEquals("/dashboard/", redirect.headers().firstValue("Location").orElseThrow());
      assertTrue(get(server.port(), "/dashboard/").body().contains("uPlot.min.js"));
      JsonNode series =
          new ObjectMapper()
              .readTree(get(server.port(), "/dashboard/api/series?model=add-one").body());
      JsonNode p = series.get("points").get(0);
      assertEquals(5, p.get("succeeded").asLong());
      assertEquals(1, p.get("badInput").asLong());
      HttpResponse<String> bad = get(server.port(), "/dashboard/?model=nope");
      assertEquals(400, bad.statusCode());
      assertEquals("{\"error\":\"no model nope in the history; it has add-one\"}", bad.body());
      assertTrue(get(server.port(), "/dashboard/events").body().startsWith("retry: 2000\n"));

      // Every metric the Grafana dashboard and the alert rules query is one /metrics exposes.
      String metrics = get(server.port(), "/metrics").body();
      for (String[] file :
          new String[][] {
            {"docs/monitoring/grafana.json", "10"}, {"deploy/prometheus/gpux-alerts.yml", "4"}
          }) {
        String text = Files.readString(RepoFiles.root().resolve(file[0]));
        Set<String> queried = new TreeSet<>();
        Matcher m = Pattern.compile("\\bgpux_[a-z_]+").matcher(text);
        while (m.find()) {
          queried.add(m.group());
        }
        assertTrue(queried.size() >= Integer.parseInt(file[1]), file[0] + ": " + queried);
        for (String name : queried) {
          assertTrue(
              // A histogram's own name (in prose) is exposed as its _bucket series.
              Pattern.compile("(?m)^" + name + "(_bucket)?[{ ]").matcher(metrics).find(),
              name + " is queried by " + file[0] + " but not in /metrics");
        }
      }
    }
  }
}
