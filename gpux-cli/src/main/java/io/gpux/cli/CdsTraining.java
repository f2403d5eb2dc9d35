package io.gpux.cli;

import com.sun.net.httpserver.HttpServer;
import io.gpux.transfer.DownloadRequest;
import io.gpux.transfer.HttpCall;
import io.gpux.transfer.HttpTransport;
import io.gpux.transfer.TransferEngine;
import io.gpux.transfer.TransferListener;
import io.gpux.transfer.TransferOptions;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What {@code bin/gpux} runs once to record a class-data-sharing archive: typical commands on the
 * example model, the store's commands on a scratch store, and the HTTP client and transfer engine
 * against a throwaway loopback server, so that the classes a pull or a registry call needs (the JDK
 * HTTP client and its TLS set-up, SQLite, Jackson's parser) start mapped, not loaded: about 1,500
 * classes a pull used to load from jars.
 */
final class CdsTraining {
  private CdsTraining() {}

  static void run(Path example) {
    PrintWriter sink = new PrintWriter(java.io.Writer.nullWriter());
    String model = example.toString();
    String sample = example.resolve("sample.json").toString();
    String[][] commands = {
      {"inspect", model},
      {"inspect", model, "--json"},
      {"providers", "--json"},
      {"--help"},
      {"run", model, "--file", sample},
      {"run", model, "--file", sample, "--json"}
    };
    for (String[] c : commands) {
      Main.run(c, sink, sink, Path.of(""), System.getenv());
    }
    Path home = null;
    try {
      home = Files.createTempDirectory("gpux-cds-home");
      Map<String, String> env = new HashMap<>(System.getenv());
      env.put("GPUX_HOME", home.toString());
      String[][] store = {
        {"list", "--json"}, {"df"}, {"verify"}, {"list"}, {"outdated", "--json"}, {"outdated"}
      };
      for (String[] c : store) {
        Main.run(c, sink, sink, Path.of(""), env);
      }
      http(home);
    } catch (IOException | RuntimeException e) {
      // Training is best effort: a class it misses is loaded from its jar as before.
    } finally {
      delete(home);
    }
  }

  /** A GET, a POST with a JSON body and a download through the engine, on loopback. */
  private static void http(Path home) throws IOException {
    byte[] file = new byte[64 * 1024];
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        x -> {
          byte[] body =
              x.getRequestURI().getPath().endsWith(".bin")
                  ? file
                  : "{\"data\": {\"ok\": true}}".getBytes(StandardCharsets.UTF_8);
          x.getRequestBody().readAllBytes();
          x.sendResponseHeaders(200, body.length);
          try (OutputStream out = x.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
    try {
      URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
      HttpTransport http = HttpTransport.create(false);
      String json =
          http.send(HttpCall.get(base.resolve("api")), HttpResponse.BodyHandlers.ofString()).body();
      Json.parse(json, "training");
      http.send(
          HttpCall.post(base.resolve("graphql"), json.getBytes(StandardCharsets.UTF_8)),
          HttpResponse.BodyHandlers.ofString());
      new TransferEngine(http, TransferOptions.defaults())
          .download(
              List.of(
                  new DownloadRequest(
                      "f.bin", HttpCall.get(base.resolve("f.bin")), file.length, null, null)),
              home.resolve("tmp"),
              TransferListener.NONE);
    } finally {
      server.stop(0);
    }
  }

  private static void delete(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // A scratch folder under the temp directory; nothing depends on it.
    }
  }
}
