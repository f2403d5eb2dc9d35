package io.gpux.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/** Closing a transport ends the JDK client's selector thread, which would delay the JVM's exit. */
@Isolated("counts the JVM's HTTP client selector threads: another test's clients would show up")
class HttpTransportCloseTest {
  private static Set<Thread> selectors() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().matches("HttpClient-\\d+-SelectorManager"))
        .collect(Collectors.toSet());
  }

  @Test
  void closeEndsTheSelectorThreadOfItsOwnClientOnly() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        ex -> {
          ex.sendResponseHeaders(204, -1);
          ex.close();
        });
    server.start();
    try {
      URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
      HttpTransport kept = HttpTransport.create(false);
      assertEquals(
          204, kept.send(HttpCall.get(uri), HttpResponse.BodyHandlers.discarding()).statusCode());
      Set<Thread> before = selectors();
      HttpTransport closed = HttpTransport.create(false);
      assertEquals(
          204, closed.send(HttpCall.get(uri), HttpResponse.BodyHandlers.discarding()).statusCode());
      Set<Thread> mine = selectors();
      mine.removeAll(before);
      assertEquals(1, mine.size(), "the second client's own selector thread: " + mine);
      Thread selector = mine.iterator().next();

      closed.close();
      selector.join(10_000);
      assertFalse(selector.isAlive(), "ended, so the JVM need not wait for it at exit");
      assertTrue(before.stream().allMatch(Thread::isAlive), "other clients keep theirs");
      assertEquals(
          204, kept.send(HttpCall.get(uri), HttpResponse.BodyHandlers.discarding()).statusCode());
    } finally {
      server.stop(0);
    }
  }
}
