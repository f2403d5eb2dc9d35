package io.gpux.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpHeaders;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpCallTest {
  private final HttpCall call =
      HttpCall.get(URI.create("https://hub.example/org/m/resolve/main/model.onnx"))
          .credentials(Map.of("Authorization", "Bearer secret"));

  @Test
  void redirectToTheSameHostKeepsCredentials() {
    assertEquals(
        call.credentials(),
        call.redirectedTo(URI.create("https://hub.example/api/resolve-cache/x")).credentials());
  }

  @Test
  void redirectToAnotherHostPortOrSchemeDropsCredentials() {
    assertTrue(
        call.redirectedTo(URI.create("https://cdn.example/x?sig=1")).credentials().isEmpty());
    assertTrue(call.redirectedTo(URI.create("https://hub.example:8443/x")).credentials().isEmpty());
    assertTrue(call.redirectedTo(URI.create("http://hub.example/x")).credentials().isEmpty());
  }

  @Test
  void toStringNeverShowsCredentials() {
    assertFalse(call.toString().contains("secret"), call.toString());
  }

  @Test
  void retryAfterInSecondsOrAsADateIsHonouredAndCapped() {
    RetryPolicy p = RetryPolicy.defaults();
    assertEquals(7000, p.delayMillis(1, headers("Retry-After", "7")));
    assertEquals(120_000, p.delayMillis(1, headers("Retry-After", "86400")), "capped");
    long fromDate =
        p.delayMillis(
            1,
            headers(
                "Retry-After",
                java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(
                    java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).plusSeconds(30))));
    assertTrue(fromDate > 25_000 && fromDate <= 30_000, Long.toString(fromDate));
    assertEquals(500, p.delayMillis(1, headers()));
    assertEquals(1000, p.delayMillis(2, headers()));
    assertEquals(8000, p.delayMillis(10, headers()), "backoff is capped");
  }

  @Test
  void retriesOnlyTransientStatuses() {
    for (int s : new int[] {408, 429, 500, 502, 503, 504}) {
      assertTrue(RetryPolicy.isRetryable(s));
    }
    for (int s : new int[] {400, 401, 403, 404, 416}) {
      assertFalse(RetryPolicy.isRetryable(s));
    }
  }

  private static HttpHeaders headers(String... kv) {
    Map<String, List<String>> m = new java.util.HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], List.of(kv[i + 1]));
    }
    return HttpHeaders.of(m, (a, b) -> true);
  }
}
