package io.gpux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.gpux.Gpux;
import io.gpux.config.GpuxSettings;
import io.gpux.index.HistoryTables.Sample;
import io.gpux.monitor.History;
import io.gpux.testing.OnnxModels;
import io.gpux.testing.Slow;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each workspace has its own monitoring history: two {@code gpux serve}s of the same model, one in
 * {@code default} and one in {@code team-a}, record apart; {@code gpux insights}, the dashboard's
 * JSON and the measuring commands' benchmarks each see their own workspace's rows only.
 */
@Slow
class WorkspaceMonitoringCliTest {
  @TempDir Path home;
  @TempDir Path cwd;

  private final HttpClient client = HttpClient.newHttpClient();

  private Map<String, String> env(String workspace) {
    Map<String, String> env = new HashMap<>(Map.of("GPUX_HOME", home.toString()));
    if (workspace != null) {
      env.put("GPUX_WORKSPACE", workspace);
    }
    return env;
  }

  private CliResult gpux(String... args) {
    return CliResult.run(cwd, env(null), args);
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Serves {@code add} in {@code workspace}, answers {@code requests} predictions, stops. */
  private void serve(String workspace, int requests) throws Exception {
    try (ServeProcess served =
        ServeProcess.start(cwd, env(workspace), List.of("add", "--history-interval", "1"))) {
      for (int i = 0; i < requests; i++) {
        HttpResponse<String> r =
            client.send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + served.httpPort + "/predict"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"x\": [[1, 2, 3, 4]]}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
      }
      // The live dashboard reads its own workspace's history: once this run's requests are
      // recorded it shows exactly them, never the other workspace's.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      long seen = -1;
      while (System.nanoTime() < deadline) {
        JsonNode overview =
            io.gpux.json.Json.mapper()
                .readTree(get(served.httpPort, "/dashboard/api/overview").body());
        seen = 0;
        for (JsonNode m : overview.get("models")) {
          seen += m.get("requests").asLong();
        }
        if (seen >= requests) {
          break;
        }
        Thread.sleep(100);
      }
      assertEquals(requests, seen, "the dashboard of " + workspace + ":\n" + served.output);
      served.terminateAndExpectCleanExit();
    }
  }

  private List<Sample> history(String workspace) {
    try (Gpux g = Gpux.open(cwd, GpuxSettings.fromEnvironment(env(workspace), cwd));
        History h = g.monitor().openHistory()) {
      return h.between(Instant.EPOCH, Instant.now().plusSeconds(60), null);
    }
  }

  private static long requests(List<Sample> rows) {
    return rows.stream().mapToLong(Sample::requests).sum();
  }

  @Test
  void twoWorkspacesServingOneModelKeepTheirHistoriesApart() throws Exception {
    OnnxModels.addOne(Files.createDirectories(cwd.resolve("add")));
    assertEquals(0, gpux("workspace", "create", "team-a").exitCode());
    serve(null, 5);
    serve("team-a", 3);

    List<Sample> mine = history("default");
    List<Sample> theirs = history("team-a");
    assertEquals(5, requests(mine), mine.toString());
    assertEquals(3, requests(theirs), theirs.toString());

    // gpux insights counts its workspace's rows only.
    CliResult def = gpux("insights");
    assertEquals(0, def.exitCode(), def.toString());
    assertTrue(
        def.out().startsWith("Nothing to act on (" + mine.size() + " rows of history"),
        def.toString());
    CliResult a = gpux("--workspace", "team-a", "insights");
    assertEquals(0, a.exitCode(), a.toString());
    assertTrue(
        a.out().startsWith("Nothing to act on (" + theirs.size() + " rows of history"),
        a.toString());

    // A workspace that never served has none, and its dashboard knows no model.
    assertEquals(0, gpux("workspace", "create", "team-b").exitCode());
    CliResult b = gpux("--workspace", "team-b", "insights");
    assertTrue(b.out().startsWith("Nothing to act on (0 rows of history"), b.toString());
    try (Gpux g = Gpux.open(cwd, GpuxSettings.fromEnvironment(env("team-b"), cwd));
        History h = g.monitor().openHistory()) {
      io.gpux.monitor.Dashboard.Page page =
          g.monitor().dashboard(h, false).get("/api/series", "model=add");
      assertEquals(
          400, page.status(), new String(page.body(), java.nio.charset.StandardCharsets.UTF_8));
    }

    // Measurements go into the workspace that measured them.
    CliResult bench =
        gpux("--workspace", "team-b", "batch", "benchmark", "add", "--runs", "3", "--warmup", "0");
    assertEquals(0, bench.exitCode(), bench.toString());
    try (Gpux g = Gpux.open(cwd, GpuxSettings.fromEnvironment(env("team-b"), cwd))) {
      assertEquals(1, g.monitor().benchmarks(null).size());
    }
    try (Gpux g = Gpux.open(cwd, GpuxSettings.fromEnvironment(env(null), cwd))) {
      assertTrue(g.monitor().benchmarks(null).isEmpty());
    }
  }
}
