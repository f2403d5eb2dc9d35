package io.gpux.monitor;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.gpux.error.GpuxException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;

/**
 * {@code gpux dashboard}: the {@link Dashboard} on a small HTTP server of its own (the JDK's),
 * reading the stored history with or without a {@code gpux serve} running. Loopback by default: the
 * history names models and their traffic.
 */
public final class DashboardServer implements AutoCloseable {
  private final HttpServer server;

  private DashboardServer(HttpServer server) {
    this.server = server;
  }

  /** Listens on {@code host:port} (0: a free port) and serves {@code dashboard} at {@code /}. */
  public static DashboardServer start(Dashboard dashboard, String host, int port) {
    HttpServer s;
    try {
      s = HttpServer.create(new InetSocketAddress(host, port), 64);
    } catch (IOException e) {
      throw GpuxException.unavailable(
          "cannot listen on " + host + ":" + port + ": " + e.getMessage(),
          "choose another --port (0 picks a free one), or stop what uses this one");
    }
    s.createContext("/", exchange -> answer(dashboard, exchange));
    s.setExecutor(
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "gpux-dashboard");
              t.setDaemon(true);
              return t;
            }));
    s.start();
    return new DashboardServer(s);
  }

  private static void answer(Dashboard dashboard, HttpExchange x) throws IOException {
    try (x) {
      Dashboard.Page p;
      String method = x.getRequestMethod();
      if (!method.equals("GET") && !method.equals("HEAD")) {
        p = Dashboard.Page.error(405, method + " is not allowed; the dashboard answers GET");
        x.getResponseHeaders().set("Allow", "GET, HEAD");
      } else {
        try {
          p = dashboard.get(x.getRequestURI().getRawPath(), x.getRequestURI().getRawQuery());
        } catch (RuntimeException e) {
          p = Dashboard.Page.error(500, "the history could not be read: " + e.getMessage());
        }
      }
      x.getResponseHeaders().set("Content-Type", p.contentType());
      x.getResponseHeaders().set("Cache-Control", "no-store");
      boolean head = method.equals("HEAD");
      x.sendResponseHeaders(p.status(), head ? -1 : p.body().length);
      if (!head) {
        try (OutputStream out = x.getResponseBody()) {
          out.write(p.body());
        }
      }
    }
  }

  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
