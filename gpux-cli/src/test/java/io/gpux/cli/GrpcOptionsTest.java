package io.gpux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gpux.testing.OnnxModels;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad gRPC options of gpux serve: one error line and a hint, exit 2, before anything listens. */
class GrpcOptionsTest {
  @TempDir Path dir;

  private void refused(String problem, String hint, String... grpcArgs) throws Exception {
    OnnxModels.addOne(dir.resolve("add_one.onnx"));
    String[] args = new String[3 + grpcArgs.length];
    args[0] = "serve";
    args[1] = dir.resolve("add_one.onnx").toString();
    args[2] = "--port=0";
    System.arraycopy(grpcArgs, 0, args, 3, grpcArgs.length);
    CliResult r = CliResult.run(dir, args);
    assertEquals(2, r.exitCode(), r.toString());
    assertTrue(r.err().contains("gpux: error: " + problem), r.toString());
    assertTrue(r.err().contains("hint: " + hint), r.toString());
    assertFalse(r.out().contains("Serving"), "nothing started:\n" + r);
  }

  @Test
  void tlsFilesMustBeReadable() throws Exception {
    refused(
        "cannot read " + dir.resolve("missing.pem") + " for gRPC TLS",
        "give a readable PEM file",
        "--grpc-port=0",
        "--grpc-tls-cert=" + dir.resolve("missing.pem"),
        "--grpc-tls-key=" + dir.resolve("missing.pem"));
  }

  @Test
  void aCertificateNeedsItsKey() throws Exception {
    Files.writeString(dir.resolve("cert.pem"), "x");
    refused(
        "TLS for gRPC needs both a certificate chain and its private key",
        "give --grpc-tls-cert FILE and --grpc-tls-key FILE together",
        "--grpc-port=0",
        "--grpc-tls-cert=" + dir.resolve("cert.pem"));
  }

  @Test
  void tlsNeedsAGrpcPort() throws Exception {
    Files.writeString(dir.resolve("cert.pem"), "x");
    refused(
        "--grpc-tls-cert and --grpc-tls-key need --grpc-port",
        "add --grpc-port 8001",
        "--grpc-tls-cert=" + dir.resolve("cert.pem"),
        "--grpc-tls-key=" + dir.resolve("cert.pem"));
  }

  @Test
  void portsAreInRange() throws Exception {
    refused("--grpc-port 70000 is not a port", "use 0 to 65535", "--grpc-port=70000");
  }
}
