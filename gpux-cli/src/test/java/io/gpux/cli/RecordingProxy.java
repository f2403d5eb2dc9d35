package io.gpux.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A reverse proxy on loopback in front of a real server that records each request's method and
 * path, for asserting on what a client asked a server that keeps no request log of its own (the
 * real {@code mlflow server}).
 */
final class RecordingProxy implements AutoCloseable {
  private static final Set<String> HOP =
      Set.of("connection", "content-length", "host", "transfer-encoding", "upgrade", "expect");
  private final HttpServer server;
  private final String target;
  private final HttpClient client = HttpClient.newHttpClient();
  private final List<String> requests = new CopyOnWriteArrayList<>();

  RecordingProxy(String target) throws IOException {
    this.target = target.replaceAll("/+$", "");
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/", this::relay);
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** {@code METHOD path} of every request so far. */
  List<String> requests() {
    return List.copyOf(requests);
  }

  void clear() {
    requests.clear();
  }

  private void relay(HttpExchange ex) throws IOException {
    try (ex) {
      requests.add(ex.getRequestMethod() + " " + ex.getRequestURI().getPath());
      byte[] body = ex.getRequestBody().readAllBytes();
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create(target + ex.getRequestURI()))
              .method(
                  ex.getRequestMethod(),
                  body.length == 0
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofByteArray(body));
      ex.getRequestHeaders()
          .forEach(
              (k, vs) -> {
                if (!HOP.contains(k.toLowerCase())) {
                  vs.forEach(v -> b.header(k, v));
                }
              });
      HttpResponse<byte[]> r;
      try {
        r = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
      r.headers()
          .map()
          .forEach(
              (k, vs) -> {
                if (!HOP.contains(k.toLowerCase()) && !k.startsWith(":")) {
                  vs.forEach(v -> ex.getResponseHeaders().add(k, v));
                }
              });
      byte[] out = r.body();
      ex.sendResponseHeaders(r.statusCode(), out.length == 0 ? -1 : out.length);
      try (OutputStream os = ex.getResponseBody()) {
        os.write(out);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
