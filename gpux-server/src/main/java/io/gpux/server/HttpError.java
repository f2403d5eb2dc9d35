package io.gpux.server;

import io.gpux.error.GpuxException;

/** An HTTP error with the message a client gets as {@code {"error": ...}}. */
final class HttpError extends RuntimeException {
  private static final long serialVersionUID = 1L;
  final int status;
  final String allow;

  HttpError(int status, String message) {
    this(status, message, null);
  }

  private HttpError(int status, String message, String allow) {
    super(message, null, false, false);
    this.status = status;
    this.allow = allow;
  }

  /** 405, with the {@code Allow} header HTTP requires of it. */
  static HttpError methodNotAllowed(String method, String path, String allow) {
    return new HttpError(405, method + " " + path + " is not allowed; use " + allow, allow);
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

  Response response() {
    Response r = Response.error(status, getMessage());
    if (allow != null) {
      r = r.with("Allow", allow);
    }
    if (status == 503) {
      r = r.with("Retry-After", "1");
    }
    return r;
  }
}
