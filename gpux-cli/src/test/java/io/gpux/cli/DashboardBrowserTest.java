package io.gpux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.gpux.testing.OnnxModels;
import io.gpux.testing.RepoFiles;
import io.gpux.testing.Slow;
import io.gpux.testing.hf.FakeHfHub;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard in a real browser (Debian's headless Chromium over the DevTools protocol) on a live
 * {@code gpux serve --follow} under bounded load: it loads with no console error, its chart data
 * add up to what /metrics counts, the version filter works, and a slower version pulled mid-test
 * makes the regression insight appear with its rollback. Screenshots go to
 * gpux-cli/target/dashboard-*.png.
 */
@Slow
class DashboardBrowserTest {
  private static final String MODEL = "acme/mm";
  @TempDir Path home;
  @TempDir Path cwd;
  @TempDir Path profile;
  private FakeHfHub hub;
  private ServeProcess served;

  @AfterEach
  void stop() throws Exception {
    if (served != null) {
      served.close();
    }
    if (hub != null) {
      hub.close();
    }
  }

  private byte[] model(int depth) throws Exception {
    Path dir = Files.createDirectories(cwd.resolve("d" + depth));
    return Files.readAllBytes(OnnxModels.matMulChain(dir, 256, depth));
  }

  private CliResult gpux(String... args) {
    return CliResult.run(cwd, Map.of("GPUX_HOME", home.toString(), "HF_ENDPOINT", hub.url()), args);
  }

  @Test
  void theDashboardFollowsALiveServerAndShowsARegression() throws Exception {
    assumeTrue(DevTools.available(), "needs Debian's chromium (.ci/run installs it)");
    hub = FakeHfHub.start();
    String v1 = hub.repo(MODEL).lfsFile("model.onnx", model(1)).commit("one layer");
    assertEquals(0, gpux("pull", "hf:" + MODEL + "@main").exitCode());
    served =
        ServeProcess.start(
            cwd,
            Map.of("GPUX_HOME", home.toString(), "HF_ENDPOINT", hub.url()),
            List.of("hf:" + MODEL + "@main", "--follow", "--history-interval", "1"));
    String base = "http://127.0.0.1:" + served.httpPort;
    HttpClient client = HttpClient.newHttpClient();
    StringBuilder data = new StringBuilder("[");
    for (int i = 0; i < 256; i++) {
      data.append(i == 0 ? "" : ",").append(i % 7);
    }
    String body =
        "{\"inputs\": [{\"name\": \"x\", \"shape\": [1, 256], \"datatype\": \"FP32\", \"data\": "
            + data
            + "]}]}";
    URI infer = URI.create(base + "/v2/models/acme--mm/infer");
    AtomicBoolean go = new AtomicBoolean(true);
    List<Thread> load = new ArrayList<>();
    // Bounded load: two clients, one request at a time each.
    for (int t = 0; t < 2; t++) {
      Thread th =
          new Thread(
              () -> {
                while (go.get()) {
                  try {
                    client.send(
                        HttpRequest.newBuilder(infer)
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                        HttpResponse.BodyHandlers.discarding());
                  } catch (Exception e) {
                    // the server's own answers are checked through /metrics
                  }
                }
              });
      th.setDaemon(true);
      th.start();
      load.add(th);
    }
    Path target = RepoFiles.root().resolve("gpux-cli/target");
    try (DevTools browser =
        DevTools.open(base + "/dashboard/?model=" + MODEL.replace("/", "%2F"), profile)) {
      waitFor(() -> points(browser) >= 5, "five points of " + v1 + " on the charts");
      browser.screenshot(target.resolve("dashboard-live.png"));
      assertEquals(List.of(), browser.errors(), "no console errors");
      assertTrue(
          browser
              .eval("document.getElementById('chart-latency').querySelector('canvas') !== null")
              .asBoolean(),
          "the latency chart is drawn");

      // A slower version moves the followed name; the regression insight must appear.
      waitFor(() -> requests(client, base, v1) >= 300, "300 requests on " + v1);
      String v2 = hub.repo(MODEL).lfsFile("model.onnx", model(64)).commit("sixty-four layers");
      CliResult moved = gpux("pull", "hf:" + MODEL + "@main");
      assertEquals(0, moved.exitCode(), moved.toString());
      waitFor(() -> requests(client, base, v2) >= 100, "100 requests on " + v2);
      waitFor(
          () -> {
            JsonNode rules =
                eval(
                    browser,
                    "[...document.querySelectorAll('#insights li')].map(li => li.dataset.rule + ' ' + li.textContent)");
            return rules != null && rules.toString().contains("regression");
          },
          "the regression insight on the page");
      String insight =
          browser
              .eval("document.querySelector('#insights li[data-rule=regression]').textContent")
              .asText();
      assertTrue(insight.contains("since " + v2 + " replaced " + v1), insight);
      assertTrue(insight.contains("gpux rollback hf:" + MODEL + "@main"), insight);
      browser.screenshot(target.resolve("dashboard-regression.png"));

      // The charts' data add up to /metrics once the load stops and the last samples are in.
      go.set(false);
      for (Thread th : load) {
        th.join(30_000);
      }
      Map<String, Long> metrics = successes(client, base);
      waitFor(
          () -> {
            JsonNode s = eval(browser, "window.gpuxSeries");
            Map<String, Long> charted = new HashMap<>();
            for (JsonNode p : s.get("points")) {
              charted.merge(p.get("version").asText(), p.get("succeeded").asLong(), Long::sum);
            }
            return charted.equals(metrics);
          },
          "chart data equal to /metrics " + metrics);

      // The version filter: only v1's points, and the URL says so.
      browser.eval(
          "(() => { const s = document.getElementById('version'); s.value = '"
              + v1
              + "'; s.dispatchEvent(new Event('change')); return true; })()");
      waitFor(
          () -> {
            JsonNode s = eval(browser, "window.gpuxSeries.points.map(p => p.version)");
            JsonNode url = eval(browser, "location.search");
            return s != null
                && s.size() > 0
                && s.toString().replace("\"" + v1 + "\"", "").replace(",", "").equals("[]")
                && url.asText().contains("version=" + v1);
          },
          "the version filter applied");
      browser.screenshot(target.resolve("dashboard-filtered.png"));
      assertEquals(List.of(), browser.errors(), "no console errors");

      // An unknown model in the URL: 400 with the models it has, not a trace.
      HttpResponse<String> bad =
          client.send(
              HttpRequest.newBuilder(URI.create(base + "/dashboard/api/series?model=nope")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(400, bad.statusCode());
      assertEquals(
          "{\"error\":\"no model nope in the history; it has " + MODEL + "\"}", bad.body());
    } finally {
      go.set(false);
    }
  }

  private static JsonNode eval(DevTools b, String expression) {
    try {
      return b.eval(expression);
    } catch (Exception | AssertionError e) {
      return null;
    }
  }

  private static int points(DevTools b) {
    JsonNode n = eval(b, "window.gpuxSeries ? window.gpuxSeries.points.length : 0");
    return n == null ? 0 : n.asInt();
  }

  private static final Pattern SUCCESS =
      Pattern.compile(
          "gpux_inference_requests_total\\{model=\""
              + MODEL
              + "\",outcome=\"success\",version=\"([^\"]+)\"} (\\S+)");

  private static Map<String, Long> successes(HttpClient c, String base) {
    try {
      String text =
          c.send(
                  HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      Map<String, Long> out = new HashMap<>();
      Matcher m = SUCCESS.matcher(text);
      while (m.find()) {
        out.put(m.group(1), (long) Double.parseDouble(m.group(2)));
      }
      return out;
    } catch (Exception e) {
      return Map.of();
    }
  }

  private static long requests(HttpClient c, String base, String version) {
    return successes(c, base).getOrDefault(version, 0L);
  }

  private static void waitFor(java.util.function.BooleanSupplier condition, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("never saw " + what);
      }
      Thread.sleep(250);
    }
  }
}
