package io.gpux.testing.mlflow;

import io.gpux.testing.PythonEnv;
import io.gpux.testing.RepoFiles;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code mlflow server} from {@code .venv-mlflow} on a free port, with a SQLite backend and
 * served artifacts in a folder of the test's, optionally behind the {@code basic-auth} app. It is
 * slow to start (seconds), so a test class starts one and shares it. Skipped (or failed under
 * {@code GPUX_REQUIRE_REFERENCE=1}) when the environment is missing.
 */
public final class MlflowServer implements AutoCloseable {
  public static final String ADMIN = "admin";
  public static final String ADMIN_PASSWORD = "gpux-admin-Pa55word-1234";

  private final Process process;
  private final String url;
  private final Path dir;
  private final Path python;
  private final boolean auth;

  private MlflowServer(Process process, String url, Path dir, Path python, boolean auth) {
    this.process = process;
    this.url = url;
    this.dir = dir;
    this.python = python;
    this.auth = auth;
  }

  public static MlflowServer start(Path dir) throws Exception {
    return start(dir, false);
  }

  /** With {@code auth}, the basic-auth app with {@link #ADMIN}/{@link #ADMIN_PASSWORD}. */
  public static MlflowServer start(Path dir, boolean auth) throws Exception {
    return start(dir, auth, false);
  }

  /**
   * With {@code tls}, HTTPS with a self-signed certificate for 127.0.0.1 made by openssl: {@link
   * #certificate} is its PEM file.
   */
  public static MlflowServer start(Path dir, boolean auth, boolean tls) throws Exception {
    return start(dir, auth, tls, false);
  }

  /**
   * With {@code clientCertificates} (and {@code tls}), the server also demands a client
   * certificate, the one in {@link #clientCertificate} (mutual TLS).
   */
  public static MlflowServer start(Path dir, boolean auth, boolean tls, boolean clientCertificates)
      throws Exception {
    Path python = PythonEnv.python("mlflow");
    Files.createDirectories(dir);
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    List<String> cmd =
        new ArrayList<>(
            List.of(
                python.getParent().resolve("mlflow").toString(),
                "server",
                "--backend-store-uri",
                "sqlite:///" + dir.toAbsolutePath().resolve("mlflow.db"),
                "--artifacts-destination",
                dir.toAbsolutePath().resolve("artifacts").toString(),
                "--host",
                "127.0.0.1",
                "--port",
                Integer.toString(port),
                "--workers",
                "1"));
    if (tls) {
      io.gpux.testing.SelfSigned.create(
          dir, "key.pem", "cert.pem", "/CN=127.0.0.1", "subjectAltName=IP:127.0.0.1");
      String opts =
          "--ssl-keyfile " + dir.resolve("key.pem") + " --ssl-certfile " + dir.resolve("cert.pem");
      if (clientCertificates) {
        io.gpux.testing.SelfSigned.create(
            dir, "client-key.pem", "client-cert.pem", "/CN=gpux-client", null);
        Files.writeString(
            dir.resolve("client.pem"),
            Files.readString(dir.resolve("client-cert.pem"))
                + Files.readString(dir.resolve("client-key.pem")));
        // CERT_REQUIRED (2): no handshake without a certificate signed by (here: equal to) this
        // one.
        opts += " --ssl-ca-certs " + dir.resolve("client-cert.pem") + " --ssl-cert-reqs 2";
      }
      cmd.addAll(List.of("--uvicorn-opts", opts));
    }
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
    pb.redirectErrorStream(true).redirectOutput(dir.resolve("server.log").toFile());
    if (auth) {
      cmd.addAll(List.of("--app-name", "basic-auth"));
      pb.command(cmd);
      Path ini = dir.resolve("basic_auth.ini");
      Files.writeString(
          ini,
          "[mlflow]\ndefault_permission = READ\ndatabase_uri = sqlite:///"
              + dir.toAbsolutePath().resolve("basic_auth.db")
              + "\nadmin_username = "
              + ADMIN
              + "\nadmin_password = "
              + ADMIN_PASSWORD
              + "\nauthorization_function = mlflow.server.auth:authenticate_request_basic_auth\n");
      pb.environment().put("MLFLOW_AUTH_CONFIG_PATH", ini.toString());
      pb.environment().put("MLFLOW_FLASK_SERVER_SECRET_KEY", "gpux-test-secret-key");
    }
    Process p = pb.start();
    String url = (tls ? "https" : "http") + "://127.0.0.1:" + port;
    MlflowServer server = new MlflowServer(p, url, dir, python, auth);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IllegalStateException(
            "mlflow server exited:\n" + Files.readString(dir.resolve("server.log")));
      }
      if (healthy(url)) {
        return server;
      }
      Thread.sleep(250);
    }
    server.close();
    throw new IllegalStateException(
        "mlflow server did not become healthy:\n" + Files.readString(dir.resolve("server.log")));
  }

  private static boolean healthy(String url) {
    if (url.startsWith("https:")) {
      // Up when the port accepts connections; the tests check gpux's own certificate handling.
      try (java.net.Socket socket = new java.net.Socket()) {
        socket.connect(new java.net.InetSocketAddress("127.0.0.1", URI.create(url).getPort()), 500);
        return true;
      } catch (IOException e) {
        return false;
      }
    }
    try {
      HttpURLConnection c =
          (HttpURLConnection) URI.create(url + "/health").toURL().openConnection();
      c.setConnectTimeout(500);
      c.setReadTimeout(2000);
      return c.getResponseCode() == 200;
    } catch (Exception e) {
      return false;
    }
  }

  /** The client certificate and key (one PEM file) a mutual-TLS server demands. */
  public Path clientCertificate() {
    return dir.resolve("client.pem");
  }

  /** The PEM certificate of a TLS server. */
  public Path certificate() {
    return dir.resolve("cert.pem");
  }

  public String url() {
    return url;
  }

  /** The environment the official client (and gpux) needs to reach this server as admin. */
  public Map<String, String> clientEnv() {
    Map<String, String> env = new HashMap<>();
    env.put("MLFLOW_TRACKING_URI", url);
    if (auth) {
      env.put("MLFLOW_TRACKING_USERNAME", ADMIN);
      env.put("MLFLOW_TRACKING_PASSWORD", ADMIN_PASSWORD);
    }
    return env;
  }

  /** Runs python/mlflow_fixture.py with arguments against this server; returns its stdout. */
  public String fixture(String... args) throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                python.toString(),
                RepoFiles.root().resolve("python/mlflow_fixture.py").toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
    pb.environment().putAll(clientEnv());
    Path log = Files.createTempFile(dir, "fixture", ".log");
    pb.redirectError(log.toFile());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(
          "mlflow_fixture.py "
              + String.join(" ", args)
              + " failed:\n"
              + out
              + Files.readString(log));
    }
    // The JSON summary is the last line; the client prints progress before it.
    String[] lines = out.strip().split("\n");
    return lines[lines.length - 1];
  }

  /** Stops the server and its workers (uvicorn forks them). */
  @Override
  public void close() {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
