package io.gpux.testing.hub;

/**
 * A failure the {@link FakeHfHub} injects into one download response, to test that clients survive
 * the network as it really is.
 */
public sealed interface Fault {
  /** Sends {@code afterBytes} of the body, then closes the connection. */
  record Drop(long afterBytes) implements Fault {}

  /** Sends {@code afterBytes}, then sends nothing for {@code millis}, then closes. */
  record Stall(long afterBytes, long millis) implements Fault {}

  /** Answers with {@code status} and, when not null, a {@code Retry-After} header. */
  record Status(int status, String retryAfter) implements Fault {}

  /** Ignores the request's {@code Range} header: always 200 with the whole body. */
  record IgnoreRange() implements Fault {}

  /** Sends the body with one byte changed: same length, wrong digest. */
  record Corrupt() implements Fault {}
}
