package io.gpux.testing.oci;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real OCI registry for tests: Debian's {@code docker-registry} (the CNCF distribution, 2.8),
 * started on a free loopback port from a generated configuration, with its storage in a folder the
 * test owns (so it can corrupt a blob, as a damaged disk or an attacker would). Auth modes:
 * anonymous, htpasswd Basic (bcrypt, made by {@code htpasswd -B}), and the Bearer token flow
 * against a {@link TokenService} the test runs. {@link #restart} keeps the port and storage.
 */
public final class DockerRegistry implements AutoCloseable {
  private final Path dir;
  private final int port;
  private String auth;
  private Process process;

  private DockerRegistry(Path dir, int port, String auth) {
    this.dir = dir;
    this.port = port;
    this.auth = auth;
  }

  /** Whether {@code docker-registry} is installed (CI installs it: .ci/run). */
  public static boolean available() {
    return onPath("docker-registry") && onPath("htpasswd");
  }

  /** Whether {@code skopeo} is installed (CI installs it: .ci/run). */
  public static boolean skopeoAvailable() {
    return onPath("skopeo");
  }

  static boolean onPath(String program) {
    for (String d : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
      if (Files.isExecutable(Path.of(d, program))) {
        return true;
      }
    }
    return Files.isExecutable(Path.of("/usr/bin", program));
  }

  /** Anyone may pull and push. */
  public static DockerRegistry anonymous(Path dir) throws Exception {
    return start(dir, "");
  }

  /** Basic auth: {@code user}/{@code password} in an htpasswd file (bcrypt). */
  public static DockerRegistry basic(Path dir, String user, String password) throws Exception {
    Files.createDirectories(dir);
    Path htpasswd = dir.resolve("htpasswd");
    Process p =
        new ProcessBuilder("htpasswd", "-Bbc", htpasswd.toString(), user, password)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("htpasswd.log").toFile())
            .start();
    if (p.waitFor() != 0) {
      throw new IllegalStateException(
          "htpasswd failed: " + Files.readString(dir.resolve("htpasswd.log")));
    }
    return start(dir, "auth:\n  htpasswd:\n    realm: gpux-test\n    path: " + htpasswd + "\n");
  }

  /** The token flow: the registry trusts tokens {@code tokens} signs. */
  public static DockerRegistry bearer(Path dir, TokenService tokens) throws Exception {
    return start(dir, tokens.registryAuth());
  }

  private static DockerRegistry start(Path dir, String auth) throws Exception {
    Files.createDirectories(dir.resolve("data"));
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    DockerRegistry r = new DockerRegistry(dir, port, auth);
    r.launch();
    return r;
  }

  /**
   * Stops and starts it again with {@code tokens}' current signing key trusted (same port, same
   * data).
   */
  public void restart(TokenService tokens) throws Exception {
    stop();
    auth = tokens.registryAuth();
    launch();
  }

  private void launch() throws Exception {
    Path config = dir.resolve("config.yml");
    String yaml =
        "version: 0.1\n"
            + "log:\n  level: warn\n"
            + "storage:\n  filesystem:\n    rootdirectory: "
            + dir.resolve("data")
            + "\n"
            + "  delete:\n    enabled: true\n"
            + "http:\n  addr: 127.0.0.1:"
            + port
            + "\n"
            + auth;
    Files.writeString(config, yaml, StandardCharsets.UTF_8);
    process =
        new ProcessBuilder("docker-registry", "serve", config.toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("registry.log").toFile()))
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "docker-registry exited: " + Files.readString(dir.resolve("registry.log")));
      }
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
        return;
      } catch (IOException notYet) {
        Thread.sleep(20);
      }
    }
    close();
    throw new IllegalStateException("docker-registry did not start listening on " + port);
  }

  /** {@code 127.0.0.1:PORT}, the host of its references. */
  public String host() {
    return "127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /**
   * The requests it served, from its access log, in order: {@code "GET /v2/acme/m/manifests/v1
   * 200"}.
   */
  public java.util.List<String> requests() throws IOException {
    java.util.List<String> out = new java.util.ArrayList<>();
    java.util.regex.Pattern line =
        java.util.regex.Pattern.compile(
            "\"(GET|HEAD|POST|PUT|PATCH|DELETE) (\\S+) HTTP/[0-9.]+\" (\\d{3})");
    for (String l : Files.readAllLines(dir.resolve("registry.log"), StandardCharsets.UTF_8)) {
      java.util.regex.Matcher m = line.matcher(l);
      if (m.find()) {
        out.add(m.group(1) + " " + m.group(2) + " " + m.group(3));
      }
    }
    return out;
  }

  /** Where the registry keeps a blob's bytes. */
  public Path blob(String digest) {
    String hex = digest.substring(digest.indexOf(':') + 1);
    return dir.resolve("data/docker/registry/v2/blobs/sha256")
        .resolve(hex.substring(0, 2))
        .resolve(hex)
        .resolve("data");
  }

  private void stop() throws InterruptedException {
    if (process != null) {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
  }

  @Override
  public void close() {
    try {
      stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
