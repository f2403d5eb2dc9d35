package io.gpux.server;

import io.gpux.GpuxException;

/** An HTTP error with the message a client gets as {@code {"error": ...}}. */
final class HttpError extends RuntimeException {
  private static final long serialVersionUID = 1L;
  final int status;

  HttpError(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  /** Bad input is the client's (400), a missing model 404, a missing capability 503. */
  static HttpError of(GpuxException e) {
    int status =
        switch (e.category()) {
          case INVALID_INPUT -> 400;
          case NOT_FOUND -> 404;
          case UNAVAILABLE -> 503;
          default -> 500;
        };
    return new HttpError(status, e.problem() + (e.hint() == null ? "" : " (" + e.hint() + ")"));
  }
}
