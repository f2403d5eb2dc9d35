package io.gpux.transfer;

import java.net.http.HttpHeaders;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What servers say about their request quotas, and a per-host throttle that obeys it.
 *
 * <p>Two header forms are in use. The IETF draft's structured {@code RateLimit: "api";r=0;t=55}
 * (the Hugging Face Hub sends it with {@code RateLimit-Policy}; {@code r} is what remains, {@code
 * t} the seconds until the window resets), and the older draft's separate {@code
 * RateLimit-Remaining: 0} and {@code RateLimit-Reset: 55} (W&B's client feeds these to its own
 * throttle). When a response says the quota is spent, the next request to that host waits for the
 * reset instead of being refused with a 429 and retried.
 */
final class RateLimits {
  private static final Pattern STRUCTURED_REMAINING =
      Pattern.compile("(?:^|;|,)\\s*r\\s*=\\s*(\\d+)");
  private static final Pattern STRUCTURED_RESET = Pattern.compile("(?:^|;|,)\\s*t\\s*=\\s*(\\d+)");

  /** A reset larger than this is a Unix time, not a number of seconds. */
  private static final long EPOCH_SECONDS = 1_000_000_000L;

  private final Map<String, Long> notBefore = new ConcurrentHashMap<>();
  private final long maxWaitMillis;

  RateLimits(long maxWaitMillis) {
    this.maxWaitMillis = maxWaitMillis;
  }

  /** How long a request to {@code host} must wait now (0: go); the wait is then considered done. */
  long waitFor(String host) {
    Long until = notBefore.get(host);
    if (until == null) {
      return 0;
    }
    long millis = (until - System.nanoTime()) / 1_000_000;
    notBefore.remove(host, until);
    return Math.max(0, Math.min(millis, maxWaitMillis));
  }

  /** Records what a response from {@code host} said about its quota. */
  void note(String host, HttpHeaders headers) {
    spentForMillis(headers).ifPresent(ms -> defer(host, ms));
  }

  /** No request to {@code host} for {@code millis} from now (a retry's backoff, say). */
  void defer(String host, long millis) {
    notBefore.merge(
        host, System.nanoTime() + Math.min(millis, maxWaitMillis) * 1_000_000, Math::max);
  }

  /**
   * Someone waited until {@code untilNanos} for {@code host}: a throttle that ends by then is
   * spent, so the next request does not wait for it a second time.
   */
  void waited(String host, long untilNanos) {
    notBefore.computeIfPresent(host, (h, until) -> until <= untilNanos ? null : until);
  }

  /** When the quota is spent (nothing remains): the milliseconds until it resets. */
  static Optional<Long> spentForMillis(HttpHeaders h) {
    Optional<String> structured = h.firstValue("ratelimit");
    if (structured.isPresent()) {
      Optional<Long> remaining = number(STRUCTURED_REMAINING, structured.get());
      if (remaining.isPresent()) {
        return remaining.get() == 0 ? resetMillis(h) : Optional.empty();
      }
    }
    Optional<String> remaining = h.firstValue("ratelimit-remaining");
    if (remaining.isPresent() && remaining.get().trim().equals("0")) {
      return resetMillis(h);
    }
    return Optional.empty();
  }

  /**
   * The milliseconds until the quota resets, from either form. Like {@code huggingface_hub}, one
   * second is added to the structured form's {@code t}: the window may close a moment late.
   */
  static Optional<Long> resetMillis(HttpHeaders h) {
    Optional<String> structured = h.firstValue("ratelimit");
    if (structured.isPresent()) {
      Optional<Long> t = number(STRUCTURED_RESET, structured.get());
      if (t.isPresent()) {
        return Optional.of((t.get() + 1) * 1000);
      }
    }
    Optional<String> reset = h.firstValue("ratelimit-reset");
    if (reset.isEmpty()) {
      return Optional.empty();
    }
    try {
      long seconds = Long.parseLong(reset.get().trim());
      if (seconds > EPOCH_SECONDS) {
        seconds -= System.currentTimeMillis() / 1000;
      }
      return Optional.of(Math.max(0, seconds) * 1000);
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static Optional<Long> number(Pattern p, String header) {
    Matcher m = p.matcher(header);
    return m.find() ? Optional.of(Long.parseLong(m.group(1))) : Optional.empty();
  }
}
