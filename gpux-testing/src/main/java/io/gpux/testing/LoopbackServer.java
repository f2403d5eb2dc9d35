package io.gpux.testing;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The HTTP server under the fake registries: 127.0.0.1 only, one daemon thread per request (a
 * scripted stall must not hold up other requests), stopped at once with its handlers woken.
 */
public final class LoopbackServer implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor;

  private LoopbackServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /** Serves {@code handler} on {@code port} (0: a free one); threads are named {@code name}. */
  public static LoopbackServer start(int port, String name, HttpHandler handler) {
    try {
      HttpServer server =
          HttpServer.create(
              new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), port), 0);
      ExecutorService executor =
          Executors.newCachedThreadPool(
              r -> {
                Thread t = new Thread(r, name);
                t.setDaemon(true);
                return t;
              });
      server.setExecutor(executor);
      server.createContext("/", handler);
      server.start();
      return new LoopbackServer(server, executor);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + " on port " + port, e);
    }
  }

  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow(); // wakes handlers sleeping in a scripted stall
  }
}
