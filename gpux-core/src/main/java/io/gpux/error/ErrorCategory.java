package io.gpux.error;

/**
 * What kind of failure a {@link GpuxException} is, so that the CLI can pick an exit code and the
 * server an HTTP status without parsing messages.
 */
public enum ErrorCategory {
  /** The user gave something wrong: fix the input and retry. CLI exit code 2, HTTP 400. */
  INVALID_INPUT(2),
  /** A model, file or version that does not exist. CLI exit code 2, HTTP 404. */
  NOT_FOUND(2),
  /** Something the machine lacks: a provider, a library, a network. CLI exit code 3, HTTP 503. */
  UNAVAILABLE(3),
  /** The model ran and failed (an ONNX Runtime error on valid-looking input). Exit 1, HTTP 500. */
  RUNTIME_FAILURE(1),
  /** A bug in GPUX. CLI exit code 4, HTTP 500. */
  INTERNAL(4);

  private final int exitCode;

  ErrorCategory(int exitCode) {
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }
}
