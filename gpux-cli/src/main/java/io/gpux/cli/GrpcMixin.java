package io.gpux.cli;

import io.gpux.server.InferenceServer;
import io.gpux.server.grpc.GrpcOptions;
import io.gpux.server.grpc.GrpcServer;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code gpux serve}'s gRPC front end: off unless a port is given. */
final class GrpcMixin {
  @Option(
      names = "--grpc-port",
      paramLabel = "PORT",
      description =
          "Also serve the Open Inference Protocol over gRPC (tritonclient.grpc, KServe's gRPC"
              + " client) on this port; Triton's is 8001; 0 picks a free one (default: off).")
  Integer port;

  @Option(
      names = "--grpc-tls-cert",
      paramLabel = "FILE",
      description = "PEM certificate chain: gRPC over TLS (with --grpc-tls-key).")
  Path cert;

  @Option(
      names = "--grpc-tls-key",
      paramLabel = "FILE",
      description = "PEM (PKCS#8) private key of --grpc-tls-cert.")
  Path key;

  /** The gRPC front end's options, checked; null when it is off. */
  GrpcOptions options(String host) {
    if (port == null) {
      if (cert != null || key != null) {
        throw io.gpux.error.GpuxException.invalidInput(
            "--grpc-tls-cert and --grpc-tls-key need --grpc-port",
            "add --grpc-port 8001 (or 0 for a free port)");
      }
      return null;
    }
    GrpcOptions options = GrpcOptions.plaintext(host, port);
    return cert != null || key != null ? options.withTls(cert, key) : options;
  }

  /**
   * Starts gRPC beside the HTTP server (closed with it) and prints where, or returns null when it
   * is off ({@code options} null).
   */
  GrpcServer start(InferenceServer http, GrpcOptions options, Log log) {
    if (options == null) {
      return null;
    }
    GrpcServer g = GrpcServer.start(http, options);
    log.banner(
        "server.grpc",
        "  gRPC (Open Inference Protocol, inference.GRPCInferenceService) on "
            + options.host()
            + ":"
            + g.port()
            + (options.tls() ? " (TLS)" : ""),
        "host",
        options.host(),
        "port",
        g.port(),
        "tls",
        options.tls());
    return g;
  }
}
