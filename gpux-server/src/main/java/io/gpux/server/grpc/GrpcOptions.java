package io.gpux.server.grpc;

import io.gpux.error.GpuxException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the gRPC front end listens, and its TLS key pair (both null: plaintext, as Triton serves by
 * default).
 *
 * @param port 0 picks a free port
 * @param certChain PEM certificate chain, or null
 * @param privateKey PEM private key (PKCS#8) of the chain's first certificate, or null
 */
public record GrpcOptions(String host, int port, Path certChain, Path privateKey) {
  public GrpcOptions {
    if ((certChain == null) != (privateKey == null)) {
      throw GpuxException.invalidInput(
          "TLS for gRPC needs both a certificate chain and its private key",
          "give --grpc-tls-cert FILE and --grpc-tls-key FILE together");
    }
    for (Path p : new Path[] {certChain, privateKey}) {
      if (p != null && !Files.isReadable(p)) {
        throw GpuxException.invalidInput(
            "cannot read " + p + " for gRPC TLS", "give a readable PEM file");
      }
    }
    if (port < 0 || port > 65535) {
      throw GpuxException.invalidInput(
          "--grpc-port " + port + " is not a port", "use 0 to 65535 (0 picks a free one)");
    }
  }

  public static GrpcOptions plaintext(String host, int port) {
    return new GrpcOptions(host, port, null, null);
  }

  public GrpcOptions withTls(Path certChain, Path privateKey) {
    return new GrpcOptions(host, port, certChain, privateKey);
  }

  public boolean tls() {
    return certChain != null;
  }
}
