package io.gpux.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Rate-limit headers in both forms, and the throttle that waits instead of being refused. */
class RateLimitsTest {
  private HttpServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  private static HttpHeaders headers(String... kv) {
    Map<String, List<String>> m = new java.util.HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], List.of(kv[i + 1]));
    }
    return HttpHeaders.of(m, (a, b) -> true);
  }

  @Test
  void readsTheStructuredAndTheSeparateForms() {
    // The Hub's IETF-draft form: nothing remains, 55 s to the reset; huggingface_hub waits t + 1.
    assertEquals(
        Optional.of(56_000L), RateLimits.spentForMillis(headers("RateLimit", "\"api\";r=0;t=55")));
    assertEquals(
        Optional.empty(), RateLimits.spentForMillis(headers("RateLimit", "\"api\";r=12;t=55")));
    // W&B's: RateLimit-Remaining and RateLimit-Reset, seconds or a Unix time.
    assertEquals(
        Optional.of(7_000L),
        RateLimits.spentForMillis(
            headers("RateLimit-Remaining", "0", "RateLimit-Reset", "7", "RateLimit-Limit", "100")));
    assertEquals(
        Optional.empty(),
        RateLimits.spentForMillis(headers("RateLimit-Remaining", "3", "RateLimit-Reset", "7")));
    long at = System.currentTimeMillis() / 1000 + 30;
    long fromEpoch =
        RateLimits.spentForMillis(
                headers("RateLimit-Remaining", "0", "RateLimit-Reset", Long.toString(at)))
            .orElseThrow();
    assertTrue(fromEpoch > 25_000 && fromEpoch <= 30_000, Long.toString(fromEpoch));
    assertEquals(Optional.empty(), RateLimits.spentForMillis(headers()));
  }

  @Test
  void aRefusalWithoutRetryAfterWaitsForTheQuotaReset() {
    RetryPolicy p = RetryPolicy.defaults();
    assertEquals(56_000, p.delayMillis(1, headers("RateLimit", "\"api\";r=0;t=55")));
    assertEquals(9_000, p.delayMillis(1, headers("RateLimit-Reset", "9")));
    assertEquals(
        3_000,
        p.delayMillis(1, headers("Retry-After", "3", "RateLimit", "\"api\";r=0;t=55")),
        "Retry-After comes first");
    assertEquals(120_000, p.delayMillis(1, headers("RateLimit", "\"api\";r=0;t=86400")), "capped");
  }

  private URI serve(int... statuses) throws Exception {
    AtomicInteger calls = new AtomicInteger();
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        ex -> {
          int n = calls.getAndIncrement();
          int status = statuses[Math.min(n, statuses.length - 1)];
          // A quota of one request a window: every answer says it is spent for 4 s.
          ex.getResponseHeaders().set("RateLimit-Limit", "1");
          ex.getResponseHeaders().set("RateLimit-Remaining", "0");
          ex.getResponseHeaders().set("RateLimit-Reset", "4");
          byte[] body = "ok".getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(status, body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
    server.start();
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/x");
  }

  @Test
  void aSpentQuotaMakesTheNextRequestToThatHostWaitForTheReset() throws Exception {
    URI uri = serve(200);
    List<Long> sleeps = new ArrayList<>();
    HttpTransport http =
        new HttpTransport(HttpClient.newHttpClient(), RetryPolicy.defaults(), sleeps::add, false);

    assertEquals(
        200, http.send(HttpCall.get(uri), HttpResponse.BodyHandlers.ofString()).statusCode());
    assertTrue(sleeps.isEmpty(), "the first request goes at once: " + sleeps);
    assertEquals(
        200, http.send(HttpCall.get(uri), HttpResponse.BodyHandlers.ofString()).statusCode());
    assertEquals(1, sleeps.size(), sleeps.toString());
    assertTrue(sleeps.get(0) > 3_000 && sleeps.get(0) <= 4_000, sleeps.toString());
  }

  @Test
  void aRefusedRequestWaitsOnceForTheLaterOfBackoffAndReset() throws Exception {
    URI uri = serve(429, 200);
    List<Long> sleeps = new ArrayList<>();
    HttpTransport http =
        new HttpTransport(HttpClient.newHttpClient(), RetryPolicy.defaults(), sleeps::add, false);

    assertEquals(
        200, http.send(HttpCall.get(uri), HttpResponse.BodyHandlers.ofString()).statusCode());
    assertEquals(1, sleeps.size(), "one wait, not the backoff and then the reset: " + sleeps);
    assertTrue(sleeps.get(0) > 3_000 && sleeps.get(0) <= 4_000, sleeps.toString());
  }
}
