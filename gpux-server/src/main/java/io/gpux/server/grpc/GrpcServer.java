package io.gpux.server.grpc;

import inference.GRPCInferenceServiceGrpc;
import io.gpux.error.GpuxException;
import io.gpux.server.Backend;
import io.gpux.server.FrontEnd;
import io.gpux.server.InferenceServer;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.NettyServerBuilder;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The Open Inference Protocol's gRPC service on grpc-java's Netty transport, on its own port.
 *
 * <p>Limits follow the HTTP side's: a message may be at most the largest request the memory budget
 * admits (and at most {@code maxBodyBytes}), checked by grpc-java from the message's length prefix
 * before it is buffered (RESOURCE_EXHAUSTED beyond); a connection may carry as many calls at once
 * as the server has admission slots; idle connections close after the idle timeout, and a TLS
 * handshake must finish within the header timeout.
 */
public final class GrpcServer implements FrontEnd {
  private final Server server;
  private final ThreadPoolExecutor inference;
  private final ExecutorService control;

  private GrpcServer(Server server, ThreadPoolExecutor inference, ExecutorService control) {
    this.server = server;
    this.inference = inference;
    this.control = control;
  }

  /** Starts gRPC over an HTTP server's models; it is stopped when the HTTP server is closed. */
  public static GrpcServer start(InferenceServer http, GrpcOptions options) {
    return http.attach(backend -> start(backend, options));
  }

  static GrpcServer start(Backend backend, GrpcOptions options) {
    int slots = backend.slots();
    // One thread per admission slot: no more model runs can ever be admitted at once.
    ThreadPoolExecutor inference =
        new ThreadPoolExecutor(
            slots,
            slots,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            new DefaultThreadFactory("gpux-grpc-infer", true));
    inference.allowCoreThreadTimeOut(true);
    ExecutorService control =
        Executors.newCachedThreadPool(new DefaultThreadFactory("gpux-grpc-control", true));
    var serverOptions = backend.options();
    InetSocketAddress address = new InetSocketAddress(options.host(), options.port());
    Server server;
    try {
      server =
          NettyServerBuilder.forAddress(address, credentials(options))
              // Calls are answered on the transport's threads, as HTTP answers health and
              // metadata on its event loop: only model runs (the inference pool) and model
              // loading (the control pool) block, and they are handed off. One thread hop less
              // per ModelInfer than grpc-java's default executor.
              .directExecutor()
              .maxInboundMessageSize((int) Math.min(Integer.MAX_VALUE, backend.largestRequest()))
              .maxConcurrentCallsPerConnection(slots)
              .maxConnectionIdle(serverOptions.idleTimeout().toNanos(), TimeUnit.NANOSECONDS)
              .handshakeTimeout(serverOptions.headerTimeout().toNanos(), TimeUnit.NANOSECONDS)
              .addService(
                  io.grpc.ServerInterceptors.intercept(
                      service(backend, inference, control), new FailedCallLog(backend)))
              .build()
              .start();
    } catch (IOException | RuntimeException e) {
      inference.shutdownNow();
      control.shutdownNow();
      if (e instanceof GpuxException g) {
        throw g;
      }
      throw GpuxException.unavailable(
          "cannot listen for gRPC on "
              + options.host()
              + ":"
              + options.port()
              + ": "
              + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()),
          "choose another --grpc-port, or stop what uses this one");
    }
    return new GrpcServer(server, inference, control);
  }

  private static ServerCredentials credentials(GrpcOptions options) {
    if (!options.tls()) {
      return InsecureServerCredentials.create();
    }
    try {
      return TlsServerCredentials.create(
          options.certChain().toFile(), options.privateKey().toFile());
    } catch (IOException | RuntimeException e) {
      throw GpuxException.invalidInput(
          "cannot use "
              + options.certChain()
              + " and "
              + options.privateKey()
              + " for gRPC TLS: "
              + e.getMessage(),
          "give a PEM certificate chain and its PEM (PKCS#8) private key");
    }
  }

  /** The generated service, with ModelInfer bound to its admitting handler instead. */
  private static ServerServiceDefinition service(
      Backend backend, ThreadPoolExecutor inference, ExecutorService control) {
    ServerServiceDefinition generated = new InferenceRpcs(backend, control).bindService();
    ServerServiceDefinition.Builder b =
        ServerServiceDefinition.builder(GRPCInferenceServiceGrpc.SERVICE_NAME);
    String infer = GRPCInferenceServiceGrpc.getModelInferMethod().getFullMethodName();
    for (ServerMethodDefinition<?, ?> m : generated.getMethods()) {
      if (!m.getMethodDescriptor().getFullMethodName().equals(infer)) {
        b.addMethod(m);
      }
    }
    return b.addMethod(new ModelInferCall(backend, inference).definition()).build();
  }

  public int port() {
    return server.getPort();
  }

  @Override
  public void shutdown() {
    server.shutdown();
  }

  @Override
  public boolean awaitTermination(long deadlineNanos, long graceNanos) {
    try {
      if (!server.awaitTermination(deadlineNanos - System.nanoTime(), TimeUnit.NANOSECONDS)) {
        server.shutdownNow(); // cancels the calls left; their runs go on until they end
      }
      inference.shutdown();
      boolean ended = inference.awaitTermination(graceNanos, TimeUnit.NANOSECONDS);
      server.awaitTermination(1, TimeUnit.SECONDS);
      control.shutdownNow();
      return ended;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
