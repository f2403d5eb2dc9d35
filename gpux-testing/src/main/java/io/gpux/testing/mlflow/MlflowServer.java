package io.gpux.testing.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gpux.testing.PythonEnv;
import io.gpux.testing.RepoFiles;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code mlflow server} from {@code .venv-mlflow} on a free port, with a SQLite backend and
 * served artifacts in a folder of the test's, optionally behind the {@code basic-auth} app.
 *
 * <p>Starting one and logging models with the official client takes tens of seconds, so most tests
 * use {@link #shared()}: one server per build, with the fixture models of {@code
 * python/mlflow_fixture.py setup} registered once, reused by every test JVM of every module. A test
 * that needs a server of its own shape (TLS) starts one with {@link #start}. Either way the server
 * runs under {@code python/supervise.py}, which stops it when its owner (the build, or the test
 * JVM) ends, however it ends: no server outlives the build. Skipped (or failed under {@code
 * GPUX_REQUIRE_REFERENCE=1}) when the environment is missing.
 */
public final class MlflowServer implements AutoCloseable {
  public static final String ADMIN = "admin";
  public static final String ADMIN_PASSWORD = "gpux-admin-Pa55word-1234";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** The supervisor of a server this object owns; null for the shared one (the build owns it). */
  private final ProcessHandle supervisor;

  private final String url;
  private final Path dir;
  private final Path python;
  private final boolean auth;
  private final String summary;

  private static MlflowServer shared;

  private MlflowServer(
      ProcessHandle supervisor, String url, Path dir, Path python, boolean auth, String summary) {
    this.supervisor = supervisor;
    this.url = url;
    this.dir = dir;
    this.python = python;
    this.auth = auth;
    this.summary = summary;
  }

  /**
   * The build's shared server (basic-auth app, {@link #ADMIN}/{@link #ADMIN_PASSWORD}) with the
   * fixture models registered; {@link #fixtureSummary()} says what {@code mlflow_fixture.py setup}
   * printed. Tests that write to it use model names of their own. {@link #close()} leaves it
   * running: it stops with the build.
   *
   * <p>The first test JVM of a Maven build that asks for it (or {@link #prestartShared}) starts it
   * and records its address in a folder of the temporary directory ({@link #sharedDir}); later JVMs
   * of the same build wait for it there. Outside Maven (an IDE) the owner is the test JVM itself.
   */
  public static synchronized MlflowServer shared() throws Exception {
    if (shared != null) {
      return shared;
    }
    Path python = PythonEnv.python("mlflow");
    Path dir = sharedDir();
    Path state = dir.resolve("state.json");
    long bootstrap = startShared(dir, python);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
    while (!Files.isRegularFile(state)) {
      boolean running = ProcessHandle.of(bootstrap).map(ProcessHandle::isAlive).orElse(false);
      if ((!running && !Files.isRegularFile(state)) || System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "the build's mlflow server did not get ready:\n"
                + readIfThere(dir.resolve("bootstrap.log"))
                + readIfThere(dir.resolve("server.log")));
      }
      Thread.sleep(100);
    }
    JsonNode s = MAPPER.readTree(state.toFile());
    shared =
        new MlflowServer(null, s.get("url").asText(), dir, python, true, s.get("summary").asText());
    return shared;
  }

  /**
   * Starts the build's shared server and its fixture without waiting for them, so that they get
   * ready while the build compiles and runs the modules before the first MLflow test ({@code
   * MlflowPrestart} calls it when a test JVM starts, in a full {@code bin/test} run). A no-op when
   * the server is up or starting.
   */
  public static void prestartShared() throws Exception {
    startShared(sharedDir(), PythonEnv.python("mlflow"));
  }

  /**
   * The folder of this build's shared server, in the temporary directory, keyed by the repository
   * path and the Maven process: a later module's JVM of the same build finds it, and two builds
   * (other worktrees, or the same one twice) each get their own.
   */
  private static Path sharedDir() throws Exception {
    ProcessHandle owner = buildProcess();
    String key =
        sha256(
                RepoFiles.root().toAbsolutePath()
                    + "\n"
                    + owner.pid()
                    + "\n"
                    + owner.info().startInstant().map(Object::toString).orElse(""))
            .substring(0, 16);
    Path dir = Path.of(System.getProperty("java.io.tmpdir")).resolve("gpux-mlflow-" + key);
    Files.createDirectories(dir);
    return dir;
  }

  /**
   * Under the folder's OS lock (test JVMs of one build may overlap: forks, {@code mvn -T}): when no
   * healthy server is recorded and no start is under way, starts the server and, in a process of
   * its own (so that a JVM that only prestarts may end), {@code mlflow_fixture.py shared}, which
   * registers the fixture models once the server answers and then writes {@code state.json}.
   * Returns the pid of that process (or -1 when the server is ready).
   */
  private static long startShared(Path dir, Path python) throws Exception {
    Path state = dir.resolve("state.json");
    Path starting = dir.resolve("bootstrap.pid");
    try (FileChannel channel =
            FileChannel.open(
                dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = channel.lock()) {
      if (Files.isRegularFile(state)) {
        if (healthy(MAPPER.readTree(state.toFile()).get("url").asText())) {
          return -1;
        }
      } else if (Files.isRegularFile(starting)) {
        long pid = Long.parseLong(Files.readString(starting).strip());
        if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
          return pid;
        }
      }
      // First use in this build (or the server died, or its fixture failed): start afresh.
      for (String stale :
          new String[] {
            "mlflow.db",
            "basic_auth.db",
            "artifacts",
            "state.json",
            "bootstrap.pid",
            "bootstrap.log",
            "server.log"
          }) {
        deleteTree(dir.resolve(stale));
      }
      ProcessHandle owner = buildProcess();
      MlflowServer server = launch(dir, python, owner, true, true, false, false, null, false);
      ProcessBuilder pb =
          new ProcessBuilder(
                  python.toString(),
                  RepoFiles.root().resolve("python/supervise.py").toString(),
                  Long.toString(owner.pid()),
                  "--",
                  python.toString(),
                  RepoFiles.root().resolve("python/mlflow_fixture.py").toString(),
                  "shared",
                  state.toString())
              .directory(dir.toFile());
      pb.environment().putAll(server.clientEnv());
      pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      pb.redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("bootstrap.log").toFile()));
      long pid = pb.start().pid();
      Files.writeString(starting, Long.toString(pid));
      return pid;
    }
  }

  private static String readIfThere(Path file) throws IOException {
    return Files.isRegularFile(file) ? Files.readString(file) : "";
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
   * certificate, the one in {@link #clientCertificate} (mutual TLS). The caller closes it; it stops
   * with the test JVM in any case.
   */
  public static MlflowServer start(Path dir, boolean auth, boolean tls, boolean clientCertificates)
      throws Exception {
    Path python = PythonEnv.python("mlflow");
    Files.createDirectories(dir);
    return launch(
        dir, python, ProcessHandle.current(), false, auth, tls, clientCertificates, "", true);
  }

  /**
   * A server of the test's own with workspaces enabled ({@code --enable-workspaces}), no auth; its
   * workspaces are made with {@code mlflow_fixture.py workspaces}. The caller closes it.
   */
  public static MlflowServer startWithWorkspaces(Path dir) throws Exception {
    Path python = PythonEnv.python("mlflow");
    Files.createDirectories(dir);
    return launch(dir, python, ProcessHandle.current(), false, false, false, false, "", true, true);
  }

  /**
   * Starts {@code mlflow server} under {@code supervise.py}, owned by {@code owner}, and, with
   * {@code awaitHealthy}, waits until it answers. With {@code removeDir}, the supervisor also
   * removes {@code dir} when it stops it.
   */
  private static MlflowServer launch(
      Path dir,
      Path python,
      ProcessHandle owner,
      boolean removeDir,
      boolean auth,
      boolean tls,
      boolean clientCertificates,
      String summary,
      boolean awaitHealthy)
      throws Exception {
    return launch(
        dir, python, owner, removeDir, auth, tls, clientCertificates, summary, awaitHealthy, false);
  }

  private static MlflowServer launch(
      Path dir,
      Path python,
      ProcessHandle owner,
      boolean removeDir,
      boolean auth,
      boolean tls,
      boolean clientCertificates,
      String summary,
      boolean awaitHealthy,
      boolean workspaces)
      throws Exception {
    for (int attempt = 1; ; attempt++) {
      try {
        return launchOnce(
            dir,
            python,
            owner,
            removeDir,
            auth,
            tls,
            clientCertificates,
            summary,
            awaitHealthy,
            workspaces);
      } catch (PortTaken e) {
        // The free port was only free when asked: servers of other test classes start at the
        // same time, and one of them bound it first. Another port, then.
        if (attempt == 3) {
          throw new IllegalStateException("mlflow server: " + e.getMessage(), e);
        }
      }
    }
  }

  /** Another process bound the port the server was given before it could (see launch). */
  private static final class PortTaken extends Exception {
    PortTaken(String message) {
      super(message);
    }
  }

  private static MlflowServer launchOnce(
      Path dir,
      Path python,
      ProcessHandle owner,
      boolean removeDir,
      boolean auth,
      boolean tls,
      boolean clientCertificates,
      String summary,
      boolean awaitHealthy,
      boolean workspaces)
      throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    List<String> cmd =
        new ArrayList<>(
            List.of(
                python.toString(),
                RepoFiles.root().resolve("python/supervise.py").toString(),
                Long.toString(owner.pid())));
    if (removeDir) {
      cmd.addAll(List.of("--remove", dir.toAbsolutePath().toString()));
    }
    cmd.addAll(
        List.of(
            "--",
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
    if (auth) {
      cmd.addAll(List.of("--app-name", "basic-auth"));
    }
    if (workspaces) {
      // MLflow >= 3.10: experiments and registered models live in workspaces, chosen per request
      // by the X-MLFLOW-WORKSPACE header; the SQL backend store keeps the workspaces too.
      cmd.add("--enable-workspaces");
    }
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
    // No pipe to this JVM: the shared server outlives it, and Maven must not wait on its output.
    Path log = dir.resolve("server.log");
    pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    // MLflow 3 starts a job runner with eight Huey consumers by default, each a Python process
    // that imports mlflow (for GenAI scorers and trace jobs): seconds of CPU at every start, and
    // nothing the registry API uses.
    pb.environment().put("MLFLOW_SERVER_ENABLE_JOB_EXECUTION", "false");
    if (auth) {
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
    MlflowServer server = new MlflowServer(p.toHandle(), url, dir, python, auth, summary);
    if (!awaitHealthy) {
      return server;
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      String said = Files.readString(log);
      if (said.contains("address already in use")) {
        server.stop();
        Files.move(
            log,
            dir.resolve("server-port-" + port + ".log"),
            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        throw new PortTaken("port " + port + " was taken by another process");
      }
      if (!p.isAlive()) {
        throw new IllegalStateException("mlflow server exited:\n" + said);
      }
      // Healthy only once this server says it listens: until then another server that took the
      // same port would answer /health in its place.
      if (said.contains("running on " + url) || said.contains("Listening at: " + url)) {
        if (healthy(url)) {
          return server;
        }
      }
      Thread.sleep(100);
    }
    server.stop();
    throw new IllegalStateException(
        "mlflow server did not become healthy:\n" + Files.readString(log));
  }

  /**
   * The Maven process running this test JVM (surefire forks it, through a shell), or this JVM when
   * none is found (an IDE): what the shared server lives as long as.
   */
  private static ProcessHandle buildProcess() {
    Optional<ProcessHandle> p = ProcessHandle.current().parent();
    for (int depth = 0; depth < 4 && p.isPresent(); depth++) {
      for (String arg : p.get().info().arguments().orElse(new String[0])) {
        if (arg.equals("org.codehaus.plexus.classworlds.launcher.Launcher")
            || arg.startsWith("-Dmaven.home=")) {
          return p.get();
        }
      }
      p = p.get().parent();
    }
    return ProcessHandle.current();
  }

  private static String sha256(String text) throws Exception {
    return HexFormat.of()
        .formatHex(
            MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (java.util.stream.Stream<Path> walk = Files.walk(p)) {
      for (Path q : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(q);
      }
    }
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

  /**
   * The folder the server keeps artifacts in ({@code --artifacts-destination}): tests delete a file
   * there to play a registry that lost it.
   */
  public Path artifactsDestination() {
    return dir.resolve("artifacts");
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
    return fixture(Map.of(), args);
  }

  /**
   * {@link #fixture(String...)} with more environment: {@code MLFLOW_WORKSPACE} makes the official
   * client work in that workspace.
   */
  public String fixture(Map<String, String> env, String... args) throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                python.toString(),
                RepoFiles.root().resolve("python/mlflow_fixture.py").toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
    pb.environment().putAll(clientEnv());
    pb.environment().putAll(env);
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

  /** What {@code mlflow_fixture.py setup} printed for the shared server (JSON); null otherwise. */
  public String fixtureSummary() {
    return summary;
  }

  /** Stops a server started by {@link #start}; the shared server stays up for the next test. */
  @Override
  public void close() {
    if (supervisor != null) {
      stop();
    }
  }

  /** The supervisor stops the server's whole process group (uvicorn forks workers), then exits. */
  private void stop() {
    supervisor.destroy();
    try {
      supervisor.onExit().get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      supervisor.descendants().forEach(ProcessHandle::destroyForcibly);
      supervisor.destroyForcibly();
    }
  }
}
