package io.gpux.server.grpc;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import inference.GRPCInferenceServiceGrpc;
import inference.GrpcService.ModelInferRequest;
import inference.GrpcService.ModelInferResponse;
import io.gpux.server.Backend;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.ProtoUtils;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * ModelInfer with the HTTP side's admission. grpc-java reads a unary call's message whole before
 * the service sees it, so the message is counted against the memory budget as it is parsed (its
 * size is known then, before a single protobuf object exists), and a refused one is never parsed; a
 * slot is taken once the call is complete, as HTTP takes one once the body is in. The model runs on
 * the front end's bounded inference pool, never on gRPC's threads.
 *
 * <p>Hence a custom method descriptor: its request is an {@link Admitted} message, parsed or
 * refused by {@link AdmittingMarshaller}, on the wire the same {@code ModelInferRequest}.
 */
final class ModelInferCall
    implements ServerCallHandler<ModelInferCall.Admitted, ModelInferResponse> {
  private final Backend backend;
  private final Executor inference;

  ModelInferCall(Backend backend, Executor inference) {
    this.backend = backend;
    this.inference = inference;
  }

  ServerMethodDefinition<Admitted, ModelInferResponse> definition() {
    MethodDescriptor<Admitted, ModelInferResponse> method =
        GRPCInferenceServiceGrpc.getModelInferMethod().toBuilder(
                new AdmittingMarshaller(),
                ProtoUtils.marshaller(ModelInferResponse.getDefaultInstance()))
            .build();
    return ServerMethodDefinition.create(method, this);
  }

  /** A request that holds {@code reserved} bytes of the budget, or the status it was refused. */
  static final class Admitted {
    final ModelInferRequest request;
    final Status refusal;
    private final long reserved;
    private final AtomicBoolean released = new AtomicBoolean();

    private Admitted(ModelInferRequest request, Status refusal, long reserved) {
      this.request = request;
      this.refusal = refusal;
      this.reserved = reserved;
    }

    void release(Backend backend) {
      if (reserved > 0 && released.compareAndSet(false, true)) {
        backend.release(reserved);
      }
    }
  }

  /** Reserves the message's cost, then parses it; refuses it unparsed when the budget is full. */
  private final class AdmittingMarshaller implements MethodDescriptor.Marshaller<Admitted> {
    @Override
    public InputStream stream(Admitted value) {
      return value.request.toByteString().newInput();
    }

    @Override
    public Admitted parse(InputStream in) {
      try (in) {
        if (backend.closing()) {
          return refused(
              Status.UNAVAILABLE, "the server is shutting down; retry on another replica");
        }
        // gRPC hands over the whole message, so its size is known (and capped by the message
        // size limit) before anything is parsed.
        int size = in.available();
        long cost = Backend.cost(size);
        if (!backend.reserve(cost)) {
          backend.rejected();
          return refused(Status.RESOURCE_EXHAUSTED, overloaded());
        }
        try {
          byte[] bytes = in.readNBytes(size);
          CodedInputStream coded = CodedInputStream.newInstance(bytes);
          coded.enableAliasing(true); // raw tensors stay in this array: no second copy
          return new Admitted(ModelInferRequest.parseFrom(coded), null, cost);
        } catch (InvalidProtocolBufferException e) {
          backend.release(cost);
          return refused(
              Status.INVALID_ARGUMENT, "the message is not a ModelInferRequest: " + e.getMessage());
        } catch (IOException | RuntimeException e) {
          backend.release(cost);
          throw e;
        }
      } catch (IOException e) {
        throw Status.INTERNAL
            .withDescription("cannot read the message")
            .withCause(e)
            .asRuntimeException();
      }
    }

    private Admitted refused(Status code, String message) {
      return new Admitted(null, code.withDescription(message), 0);
    }
  }

  String overloaded() {
    return "the server is at capacity ("
        + backend.slots()
        + " requests, "
        + backend.budget()
        + " bytes of memory budget); retry shortly";
  }

  @Override
  public ServerCall.Listener<Admitted> startCall(
      ServerCall<Admitted, ModelInferResponse> call, Metadata headers) {
    // Two, as grpc-java's own unary handler asks: a second message is then seen and refused.
    call.request(2);
    return new Listener(call);
  }

  private final class Listener extends ServerCall.Listener<Admitted> {
    private final ServerCall<Admitted, ModelInferResponse> call;
    private Admitted message;
    private boolean extra;
    private volatile boolean dispatched;

    Listener(ServerCall<Admitted, ModelInferResponse> call) {
      this.call = call;
    }

    @Override
    public void onMessage(Admitted m) {
      if (message != null) {
        m.release(backend);
        extra = true;
        return;
      }
      message = m;
    }

    @Override
    public void onHalfClose() {
      if (message == null || extra) {
        if (message != null) {
          message.release(backend);
        }
        close(
            Status.INVALID_ARGUMENT.withDescription(
                "ModelInfer takes exactly one request message"));
        return;
      }
      if (message.refusal != null) {
        close(message.refusal);
        return;
      }
      if (!backend.trySlot()) {
        message.release(backend);
        backend.rejected();
        close(Status.RESOURCE_EXHAUSTED.withDescription(overloaded()));
        return;
      }
      dispatched = true;
      try {
        inference.execute(this::run);
      } catch (RejectedExecutionException e) {
        backend.releaseSlot();
        message.release(backend);
        close(
            Status.UNAVAILABLE.withDescription(
                "the server is shutting down; retry on another replica"));
      }
    }

    private void run() {
      Status status = Status.OK;
      ModelInferResponse response = null;
      try {
        if (!call.isCancelled()) {
          response = answer(message.request);
        }
      } catch (StatusRuntimeException e) {
        status = e.getStatus();
      } catch (RuntimeException e) {
        status = GrpcErrors.of(e).getStatus();
      } catch (Throwable t) {
        // OutOfMemoryError and the like: the request fails, the server stays up.
        status = Status.INTERNAL.withDescription("internal error: " + t);
      } finally {
        backend.releaseSlot();
      }
      try {
        if (response != null) {
          call.sendHeaders(new Metadata());
          call.sendMessage(response);
        }
        close(status);
      } finally {
        message.release(backend);
      }
    }

    @Override
    public void onCancel() {
      if (!dispatched && message != null) {
        message.release(backend);
      }
    }

    private void close(Status status) {
      try {
        call.close(status, new Metadata());
      } catch (IllegalStateException alreadyClosedOrCancelled) {
        // The client went away; nothing to tell it.
      }
    }
  }

  private ModelInferResponse answer(ModelInferRequest r) {
    return backend.infer(
        backend.model(r.getModelName(), r.getModelVersion()),
        (m, run) -> InferOutputs.write(m, r, run.run(InferInputs.read(m.model(), r))));
  }
}
