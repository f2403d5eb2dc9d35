package io.gpux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gpux.testing.OnnxModels;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** gpux insights, gpux dashboard and serve's history as a user meets them, bad input included. */
class MonitorCliTest {
  @TempDir Path home;
  @TempDir Path cwd;

  private CliResult gpux(String... args) {
    return CliResult.run(cwd, Map.of("GPUX_HOME", home.toString()), args);
  }

  @Test
  void helpAnswersAsTyped() {
    for (String command : List.of("insights", "dashboard")) {
      CliResult r = gpux(command, "--help");
      assertEquals(0, r.exitCode(), r.toString());
      assertTrue(r.out().contains("Usage: gpux " + command), r.toString());
    }
    CliResult serve = gpux("serve", "--help");
    assertTrue(serve.out().contains("--no-history"), serve.out());
    assertTrue(serve.out().contains("--history-retention"), serve.out());
  }

  @Test
  void insightsOnAnEmptyHistorySayThereIsNothingToActOn() {
    CliResult r = gpux("insights");
    assertEquals(0, r.exitCode(), r.toString());
    assertTrue(r.out().startsWith("Nothing to act on (0 rows of history"), r.toString());
    CliResult json = gpux("insights", "--json");
    assertEquals("{\"insights\":[]}", json.out().strip());
  }

  @Test
  void aDashboardPortInUseIsOneLineWithTheFix() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      CliResult r = gpux("dashboard", "--port", String.valueOf(taken.getLocalPort()));
      assertEquals(3, r.exitCode(), r.toString());
      assertTrue(
          r.err().startsWith("gpux: error: cannot listen on 127.0.0.1:" + taken.getLocalPort()),
          r.toString());
      assertTrue(r.err().contains("--port"), r.toString());
      assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }
  }

  @Test
  void badHistorySettingsAreRefusedBeforeAnythingLoads() throws Exception {
    OnnxModels.addOne(Files.createDirectories(cwd.resolve("add")));
    CliResult r = gpux("serve", "add", "--history-interval", "0");
    assertEquals(2, r.exitCode(), r.toString());
    assertTrue(r.err().contains("--history-interval must be 1 second or more"), r.toString());
  }

  @Test
  void aHistoryFromANewerGpuxLeavesTheServerServingAndSaysSo() throws Exception {
    OnnxModels.addOne(Files.createDirectories(cwd.resolve("add")));
    assertEquals(0, gpux("list").exitCode()); // creates the store and its index
    try (Connection c =
        DriverManager.getConnection("jdbc:sqlite:" + home.resolve("index.db").toAbsolutePath())) {
      c.createStatement()
          .execute("INSERT INTO schema_version (version, applied_at) VALUES (99, 'later')");
    }
    try (ServeProcess served =
        ServeProcess.start(cwd, Map.of("GPUX_HOME", home.toString()), List.of("add"))) {
      HttpResponse<String> health =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + served.httpPort + "/health"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertEquals(200, health.statusCode());
      String out = served.output.toString();
      assertTrue(
          out.contains(
              "gpux: monitoring history off: the store index was written by a newer GPUX (schema"
                  + " 99; this GPUX knows up to "
                  + io.gpux.index.Migrations.LATEST
                  + ")"),
          out);
      assertTrue(out.contains("serving without it"), out);
    }
    CliResult insights = gpux("insights");
    assertEquals(3, insights.exitCode(), insights.toString());
    assertTrue(insights.err().contains("written by a newer GPUX"), insights.toString());
  }
}
