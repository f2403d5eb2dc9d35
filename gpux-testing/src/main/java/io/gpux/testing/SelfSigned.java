package io.gpux.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Self-signed certificates for TLS tests, made by openssl (as operators make them). */
public final class SelfSigned {
  private SelfSigned() {}

  /**
   * A self-signed RSA certificate {@code cert} and its key {@code key} (PKCS#8 PEM) in {@code dir};
   * {@code san} (an {@code -addext} value such as {@code subjectAltName=IP:127.0.0.1}) or null.
   */
  public static void create(Path dir, String key, String cert, String subject, String san)
      throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "2",
                "-keyout",
                dir.resolve(key).toString(),
                "-out",
                dir.resolve(cert).toString(),
                "-subj",
                subject));
    if (san != null) {
      cmd.addAll(List.of("-addext", san));
    }
    Process openssl =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("openssl.log").toFile())
            .start();
    if (openssl.waitFor() != 0) {
      throw new IllegalStateException(
          "openssl failed:\n" + Files.readString(dir.resolve("openssl.log")));
    }
  }
}
