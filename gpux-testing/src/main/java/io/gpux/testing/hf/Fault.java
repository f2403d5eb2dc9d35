package io.gpux.testing.hf;

import java.time.Duration;

/**
 * Something that goes wrong with one response, scripted through {@link FaultPlan}. {@link Status}
 * can replace any response; the others change how file bytes are sent (a resolve GET of a regular
 * file, or a CDN GET) and are never spent on other requests.
 */
public sealed interface Fault {

  /** Sends the first {@code bytes} of the body (with the full Content-Length), then hangs up. */
  static Fault dropAfter(long bytes) {
    return new DropAfter(bytes);
  }

  /** Sends all but the last {@code missingBytes} of the body, then hangs up. */
  static Fault truncate(long missingBytes) {
    return new Truncate(missingBytes);
  }

  /** Pauses for {@code pause} after {@code afterBytes} of the body, then sends the rest. */
  static Fault stall(long afterBytes, Duration pause) {
    return new Stall(afterBytes, pause);
  }

  /** Answers with this status and a Hub-style JSON error instead. */
  static Fault status(int code) {
    return new Status(code, null);
  }

  /** Answers with this status and {@code Retry-After: <seconds>}, as a rate limit does. */
  static Fault status(int code, Duration retryAfter) {
    return new Status(code, retryAfter);
  }

  /** Answers 200 with the whole body even when a {@code Range} was asked for. */
  static Fault ignoreRange() {
    return new IgnoreRange();
  }

  /** Flips one byte in the middle of the body; the length stays right. */
  static Fault corrupt() {
    return new Corrupt(-1);
  }

  /** Flips the byte at {@code offset} of the response body. */
  static Fault corruptAt(long offset) {
    return new Corrupt(offset);
  }

  /**
   * A hostile server: sends the body and then {@code extraBytes} more, announcing the longer length
   * in {@code Content-Length} when {@code announce}, else with no length at all (chunked).
   */
  static Fault oversize(long extraBytes, boolean announce) {
    return new Oversize(extraBytes, announce);
  }

  record Oversize(long extraBytes, boolean announce) implements Fault {}

  record DropAfter(long bytes) implements Fault {}

  record Truncate(long missingBytes) implements Fault {}

  record Stall(long afterBytes, Duration pause) implements Fault {}

  record Status(int code, Duration retryAfter) implements Fault {}

  record IgnoreRange() implements Fault {}

  record Corrupt(long offset) implements Fault {}
}
