package io.gpux.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real HTTP proxy for tests: Debian's {@code tinyproxy}, started on a free loopback port with its
 * own configuration and log, optionally demanding Basic credentials. It tunnels {@code CONNECT} to
 * any port. {@link #requests()} reads what it proxied from its log.
 */
public final class Tinyproxy implements AutoCloseable {
  private static final Pattern REQUEST =
      Pattern.compile("Request \\(file descriptor \\d+\\): (\\S+) (\\S+) HTTP");

  private final Process process;
  private final int port;
  private final Path log;

  private Tinyproxy(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** Whether the {@code tinyproxy} binary is installed (CI installs it: .ci/run). */
  public static boolean available() {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
      if (Files.isExecutable(Path.of(dir, "tinyproxy"))) {
        return true;
      }
    }
    return Files.isExecutable(Path.of("/usr/bin/tinyproxy"));
  }

  /** Without credentials. */
  public static Tinyproxy start(Path dir) throws Exception {
    return start(dir, null, null);
  }

  /** Demanding {@code user}/{@code password} (Basic) when {@code user} is not null. */
  public static Tinyproxy start(Path dir, String user, String password) throws Exception {
    Files.createDirectories(dir);
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Path log = dir.resolve("tinyproxy.log");
    Path conf = dir.resolve("tinyproxy.conf");
    StringBuilder c = new StringBuilder();
    c.append("Port ").append(port).append('\n');
    c.append("Listen 127.0.0.1\n");
    c.append("Timeout 60\n");
    c.append("LogFile \"").append(log).append("\"\n");
    c.append("LogLevel Info\n");
    c.append("MaxClients 200\n");
    c.append("Allow 127.0.0.1\n");
    if (user != null) {
      c.append("BasicAuth ").append(user).append(' ').append(password).append('\n');
    }
    Files.writeString(conf, c, StandardCharsets.UTF_8);
    Process p =
        new ProcessBuilder("tinyproxy", "-d", "-c", conf.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("tinyproxy.out").toFile())
            .start();
    Tinyproxy proxy = new Tinyproxy(p, port, log);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IllegalStateException(
            "tinyproxy exited: " + Files.readString(dir.resolve("tinyproxy.out")));
      }
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
        return proxy;
      } catch (IOException notYet) {
        Thread.sleep(20);
      }
    }
    proxy.close();
    throw new IllegalStateException("tinyproxy did not start listening on " + port);
  }

  public int port() {
    return port;
  }

  /** {@code http://127.0.0.1:<port>}, or with {@code user:password@} when given. */
  public String url(String user, String password) {
    return "http://" + (user == null ? "" : user + ":" + password + "@") + "127.0.0.1:" + port;
  }

  /** What it proxied, in order: {@code "GET http://127.0.0.1:1234/x"}, {@code "CONNECT h:443"}. */
  public List<String> requests() throws IOException {
    List<String> out = new ArrayList<>();
    if (!Files.exists(log)) {
      return out;
    }
    for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
      Matcher m = REQUEST.matcher(line);
      if (m.find()) {
        out.add(m.group(1) + " " + m.group(2));
      }
    }
    return out;
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
