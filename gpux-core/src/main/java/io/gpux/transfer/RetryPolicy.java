package io.gpux.transfer;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * When to retry and how long to wait: exponential backoff from {@code baseDelay} up to {@code
 * maxDelay}, or what the server asks for in {@code Retry-After} (seconds or an HTTP date), or else
 * in its rate-limit headers ({@link RateLimits}), when it sends one (capped at {@code
 * maxServerDelay}, so a hostile header cannot park a pull for a day).
 *
 * @param maxAttempts attempts in all, the first included
 */
public record RetryPolicy(
    int maxAttempts, Duration baseDelay, Duration maxDelay, Duration maxServerDelay) {

  public static RetryPolicy defaults() {
    return new RetryPolicy(
        6, Duration.ofMillis(500), Duration.ofSeconds(8), Duration.ofSeconds(120));
  }

  /** Statuses that mean "try again later": timeouts, rate limits and server errors. */
  public static boolean isRetryable(int status) {
    return status == 408
        || status == 429
        || status == 500
        || status == 502
        || status == 503
        || status == 504;
  }

  public long delayMillis(int attempt, HttpHeaders headers) {
    Optional<Long> server =
        headers == null
            ? Optional.empty()
            : retryAfterMillis(headers).or(() -> RateLimits.resetMillis(headers));
    if (server.isPresent()) {
      return Math.min(server.get(), maxServerDelay.toMillis());
    }
    long backoff = baseDelay.toMillis() << Math.min(attempt - 1, 20);
    return Math.min(backoff, maxDelay.toMillis());
  }

  static Optional<Long> retryAfterMillis(HttpHeaders headers) {
    Optional<String> value = headers.firstValue("retry-after");
    if (value.isEmpty()) {
      return Optional.empty();
    }
    String v = value.get().trim();
    try {
      return Optional.of(Math.max(0, Long.parseLong(v)) * 1000);
    } catch (NumberFormatException e) {
      try {
        ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
        return Optional.of(
            Math.max(0, Duration.between(ZonedDateTime.now(at.getZone()), at).toMillis()));
      } catch (DateTimeParseException ignored) {
        return Optional.empty();
      }
    }
  }
}
