package io.gpux.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.gpux.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dashboard's page and JSON over a stored history, and its answers to bad filters. */
class DashboardTest {
  @TempDir Path home;

  private static String text(Dashboard.Page p) {
    return new String(p.body(), StandardCharsets.UTF_8);
  }

  private Dashboard dashboard(History history) {
    return new Dashboard(
        history,
        List::of,
        m -> List.of(),
        Clock.fixed(Histories.NOW, ZoneOffset.UTC),
        false,
        Duration.ofSeconds(2));
  }

  @Test
  void seriesHoldOnePointPerRowWithItsPercentiles() throws Exception {
    try (History history = History.open(home)) {
      history.write(
          Histories.steady("fraud", "3", 3, Histories.ago(Duration.ofMinutes(10)), Histories.NOW));
      Dashboard d = dashboard(history);
      Dashboard.Page p = d.get("/api/series", "model=fraud&range=15m");
      assertEquals(200, p.status(), text(p));
      JsonNode points = Json.mapper().readTree(p.body()).get("points");
      assertEquals(120, points.size());
      double p99 = points.get(0).get("p99").asDouble();
      assertTrue(p99 > 2.5 && p99 <= 5, "p99 " + p99);
      assertEquals(20.0, points.get(0).get("rps").asDouble(), 1e-9);
      JsonNode overview = Json.mapper().readTree(d.get("/api/overview", "range=1h").body());
      assertEquals(12000, overview.get("models").get(0).get("requests").asLong());
    }
  }

  @Test
  void aWeekOfRowsIsThinnedToWhatAChartCanShowWithTheSameTotals() throws Exception {
    try (History history = History.open(home)) {
      List<io.gpux.index.HistoryTables.Sample> rows =
          Histories.steady("fraud", "3", 3, Histories.ago(Duration.ofHours(3)), Histories.NOW);
      history.write(rows);
      JsonNode points =
          Json.mapper()
              .readTree(dashboard(history).get("/api/series", "model=fraud&range=7d").body())
              .get("points");
      assertTrue(points.size() <= Dashboard.MAX_POINTS, "points " + points.size());
      long total = 0;
      for (JsonNode p : points) {
        total += p.get("succeeded").asLong();
      }
      assertEquals(
          rows.stream().mapToLong(io.gpux.index.HistoryTables.Sample::succeeded).sum(), total);
    }
  }

  @Test
  void unknownFiltersAre400sNamingWhatExists() {
    try (History history = History.open(home)) {
      history.write(
          Histories.steady("fraud", "3", 3, Histories.ago(Duration.ofMinutes(1)), Histories.NOW));
      Dashboard d = dashboard(history);
      Dashboard.Page p = d.get("/api/series", "model=frad");
      assertEquals(400, p.status());
      assertEquals(
          "{\"error\":\"no model frad in the history (did you mean fraud?); it has fraud\"}",
          text(p));
      assertEquals(400, d.get("/", "model=nope").status());
      Dashboard.Page range = d.get("/api/overview", "range=2w");
      assertEquals(400, range.status());
      assertTrue(text(range).contains("use one of 15m, 1h"), text(range));
      assertEquals(400, d.get("/api/series", "model=fraud&version=9").status());
      assertEquals(404, d.get("/nothing", null).status());
      assertEquals(400, d.get("/api/series", "model=%zz").status());
    }
  }

  @Test
  void thePageAndItsChartLibraryComeFromTheServerItself() throws Exception {
    try (History history = History.open(home);
        DashboardServer server = DashboardServer.start(dashboard(history), "127.0.0.1", 0)) {
      HttpClient c = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + server.port() + "/";
      HttpResponse<String> page =
          c.send(
              HttpRequest.newBuilder(URI.create(base)).build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, page.statusCode());
      assertTrue(page.body().contains("<script src=\"uPlot.min.js\">"));
      // no absolute URL: nothing is fetched from elsewhere (air-gapped sites)
      assertTrue(!page.body().matches("(?s).*(src|href)=\"(https?:)?//.*"), page.body());
      HttpResponse<String> js =
          c.send(
              HttpRequest.newBuilder(URI.create(base + "uPlot.min.js")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, js.statusCode());
      assertTrue(js.body().contains("uPlot"));
      HttpResponse<String> post =
          c.send(
              HttpRequest.newBuilder(URI.create(base))
                  .POST(HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(405, post.statusCode());
    }
  }

  @Test
  void aPortInUseIsOneLineNamingTheFix() {
    try (History history = History.open(home);
        DashboardServer first = DashboardServer.start(dashboard(history), "127.0.0.1", 0)) {
      var e =
          org.junit.jupiter.api.Assertions.assertThrows(
              io.gpux.error.GpuxException.class,
              () -> DashboardServer.start(dashboard(history), "127.0.0.1", first.port()));
      assertTrue(
          e.getMessage().startsWith("cannot listen on 127.0.0.1:" + first.port()), e.getMessage());
      assertTrue(e.hint().contains("--port"));
    }
  }
}
