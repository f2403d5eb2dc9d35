package io.gpux.server.grpc;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.gpux.server.Backend;
import io.gpux.server.FailedRequest;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * Tells the server's failed-request log of every gRPC call closed with a status other than OK, as
 * the HTTP side does for its error answers: one interceptor, since the calls fail in many places
 * (admission, parsing, the model, an unknown name). The model is the request's {@code model_name}
 * or {@code name} field; the request id its {@code x-request-id} metadata.
 */
final class FailedCallLog implements ServerInterceptor {
  private static final Metadata.Key<String> REQUEST_ID =
      Metadata.Key.of("x-request-id", Metadata.ASCII_STRING_MARSHALLER);

  private final Backend backend;

  FailedCallLog(Backend backend) {
    this.backend = backend;
  }

  @Override
  public <Q, A> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
    long started = System.nanoTime();
    String requestId = headers.get(REQUEST_ID);
    java.util.concurrent.atomic.AtomicReference<String> model =
        new java.util.concurrent.atomic.AtomicReference<>();
    ServerCall<Q, A> logged =
        new SimpleForwardingServerCall<>(call) {
          @Override
          public void close(Status status, Metadata trailers) {
            if (!status.isOk()) {
              try {
                backend.failed(
                    new FailedRequest(
                        "POST",
                        "/" + call.getMethodDescriptor().getFullMethodName(),
                        model.get(),
                        httpStatus(status.getCode()),
                        status.getDescription(),
                        requestId,
                        System.nanoTime() - started,
                        status.getCode().name()));
              } catch (RuntimeException logFailed) {
                // The log never fails a call.
              }
            }
            super.close(status, trailers);
          }
        };
    return new SimpleForwardingServerCallListener<>(next.startCall(logged, headers)) {
      @Override
      public void onMessage(Q message) {
        if (model.get() == null) {
          model.set(modelOf(message));
        }
        super.onMessage(message);
      }
    };
  }

  /** The model a request names: ModelInfer's admitted request, or any message's name field. */
  private static String modelOf(Object message) {
    if (message instanceof ModelInferCall.Admitted a) {
      return a.request == null ? null : a.request.getModelName();
    }
    if (message instanceof Message m) {
      for (String field : new String[] {"model_name", "name"}) {
        FieldDescriptor f = m.getDescriptorForType().findFieldByName(field);
        if (f != null && f.getJavaType() == FieldDescriptor.JavaType.STRING && !f.isRepeated()) {
          String v = (String) m.getField(f);
          return v.isEmpty() ? null : v;
        }
      }
    }
    return null;
  }

  /** The HTTP status a gRPC code stands for (the inverse of GrpcErrors.code), 500 otherwise. */
  static int httpStatus(Status.Code code) {
    return switch (code) {
      case INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE -> 400;
      case UNAUTHENTICATED -> 401;
      case PERMISSION_DENIED -> 403;
      case NOT_FOUND -> 404;
      case DEADLINE_EXCEEDED -> 408;
      case ALREADY_EXISTS, ABORTED -> 409;
      case RESOURCE_EXHAUSTED -> 429;
      case CANCELLED -> 499;
      case UNIMPLEMENTED -> 501;
      case UNAVAILABLE -> 503;
      default -> 500;
    };
  }
}
