package io.gpux.server.grpc;

import io.gpux.server.Backend;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * Failures as gRPC statuses: the message HTTP gives, under the code gRPC's own HTTP mapping gives
 * HTTP's status (400 INVALID_ARGUMENT, 404 NOT_FOUND, 413 RESOURCE_EXHAUSTED, 503 UNAVAILABLE).
 */
final class GrpcErrors {
  private GrpcErrors() {}

  static StatusRuntimeException of(RuntimeException e) {
    if (e instanceof StatusRuntimeException s) {
      return s;
    }
    Backend.Failure f = Backend.failure(e);
    if (f == null) {
      return Status.INTERNAL
          .withDescription("internal error: " + e)
          .withCause(e)
          .asRuntimeException();
    }
    return code(f.status()).withDescription(f.message()).asRuntimeException();
  }

  static Status code(int httpStatus) {
    return switch (httpStatus) {
      case 400 -> Status.INVALID_ARGUMENT;
      case 404 -> Status.NOT_FOUND;
      case 408 -> Status.DEADLINE_EXCEEDED;
      case 413, 429 -> Status.RESOURCE_EXHAUSTED;
      case 501 -> Status.UNIMPLEMENTED;
      case 503 -> Status.UNAVAILABLE;
      default -> Status.UNKNOWN;
    };
  }

  static StatusRuntimeException invalid(String message) {
    return Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
  }
}
