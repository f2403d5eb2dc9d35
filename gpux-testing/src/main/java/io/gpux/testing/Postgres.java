package io.gpux.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server for tests: Debian's {@code postgresql} package, its {@code initdb} and
 * {@code pg_ctl} run on a fresh cluster in a temporary folder, listening on a free loopback port
 * only, with password authentication (scram-sha-256) for user {@code gpux}. Chosen over an
 * embedded-PostgreSQL artifact because it is the server a team runs, from the distribution CI
 * already installs packages from, and it needs no binaries unpacked from a jar.
 *
 * <p>PostgreSQL refuses to run as root, and CI runs as root: then the cluster belongs to {@code
 * nobody} and the programs run through {@code runuser}. One server serves the whole JVM ({@link
 * #shared()}), each test taking a database of its own ({@link #newDatabase}); a shutdown hook stops
 * it and deletes its folder.
 */
public final class Postgres implements AutoCloseable {
  public static final String USER = "gpux";

  /** A password with characters a URL must escape, so the parsing of them is exercised. */
  public static final String PASSWORD = "s3cret:p@ss/word";

  private static Postgres shared;

  private final Path bin;
  private final Path dir;
  private final int port;
  private final boolean asNobody;
  private final AtomicInteger databases = new AtomicInteger();

  private Postgres(Path bin, Path dir, int port, boolean asNobody) {
    this.bin = bin;
    this.dir = dir;
    this.port = port;
    this.asNobody = asNobody;
  }

  /** The {@code bin} folder of the newest installed PostgreSQL, if any (CI installs it). */
  public static java.util.Optional<Path> binaries() {
    Path root = Path.of("/usr/lib/postgresql");
    if (!Files.isDirectory(root)) {
      return java.util.Optional.empty();
    }
    try (Stream<Path> versions = Files.list(root)) {
      return versions
          .map(v -> v.resolve("bin"))
          .filter(b -> Files.isExecutable(b.resolve("initdb")))
          .max(Comparator.comparingInt(Postgres::major));
    } catch (IOException e) {
      return java.util.Optional.empty();
    }
  }

  private static int major(Path bin) {
    try {
      return Integer.parseInt(bin.getParent().getFileName().toString().replaceAll("\\D.*", ""));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  public static boolean available() {
    return binaries().isPresent();
  }

  /** The server shared by every test of this JVM, started on first use. */
  public static synchronized Postgres shared() throws Exception {
    if (shared == null) {
      Postgres p = start();
      Runtime.getRuntime().addShutdownHook(new Thread(p::close));
      shared = p;
    }
    return shared;
  }

  /** A new cluster in a new temporary folder, started and accepting connections. */
  public static Postgres start() throws Exception {
    Path bin =
        binaries()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "PostgreSQL is not installed: apt-get install postgresql (see .ci/run)"));
    boolean root = "root".equals(System.getProperty("user.name"));
    Path dir =
        Files.createTempDirectory(
            "gpux-pg-",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Path data = dir.resolve("data");
    Path pwfile = dir.resolve("pwfile");
    Files.writeString(pwfile, PASSWORD + "\n", StandardCharsets.UTF_8);
    if (root) {
      // The temporary folder's parents (/tmp) are open to all; the folder itself to nobody only.
      run(List.of("chown", "-R", "nobody:nogroup", dir.toString()), dir, false);
    }
    // initdb does not depend on the port; the port is chosen per start attempt below.
    new Postgres(bin, dir, 0, root)
        .pg(
            List.of(
                bin.resolve("initdb").toString(),
                "-D",
                data.toString(),
                "-U",
                USER,
                "--pwfile=" + pwfile,
                "--auth=scram-sha-256",
                "-E",
                "UTF8",
                // C collation: text sorts by code point, as in SQLite (see
                // docs/index-postgresql.md).
                "--locale=C",
                "--no-sync"));
    Path log = dir.resolve("server.log");
    for (int attempt = 1; ; attempt++) {
      int port;
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        port = s.getLocalPort();
      }
      Postgres pg = new Postgres(bin, dir, port, root);
      try {
        pg.pg(
            List.of(
                bin.resolve("pg_ctl").toString(),
                "-D",
                data.toString(),
                "-l",
                log.toString(),
                "-w",
                "-t",
                "60",
                "-o",
                "-c listen_addresses=127.0.0.1 -c port="
                    + port
                    + " -c unix_socket_directories='"
                    + dir
                    + "' -c fsync=off -c max_connections=200",
                "start"));
        return pg;
      } catch (IllegalStateException e) {
        // The free port was only free when asked: test classes run in parallel, and another
        // server (or client) may take it before PostgreSQL binds it. Then try another one.
        boolean taken =
            Files.exists(log)
                && Files.readString(log, StandardCharsets.UTF_8).contains("Address already in use");
        if (!taken || attempt == 5) {
          throw e;
        }
      }
    }
  }

  private void pg(List<String> command) throws Exception {
    List<String> c = new ArrayList<>();
    if (asNobody) {
      c.addAll(List.of("runuser", "-u", "nobody", "--"));
    }
    c.addAll(command);
    run(c, dir, true);
  }

  private static void run(List<String> command, Path dir, boolean withPassword) throws Exception {
    ProcessBuilder b =
        new ProcessBuilder(command).redirectErrorStream(true).directory(dir.toFile());
    if (withPassword) {
      b.environment().put("PGPASSWORD", PASSWORD);
    }
    Process p = b.start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(
          String.join(" ", command) + " failed: " + new String(out, StandardCharsets.UTF_8));
    }
  }

  public int port() {
    return port;
  }

  /** Creates a new, empty database; returns its name. */
  public String newDatabase() throws Exception {
    String name = "gpux_test_" + ProcessHandle.current().pid() + "_" + databases.incrementAndGet();
    pg(
        List.of(
            bin.resolve("createdb").toString(),
            "-h",
            "127.0.0.1",
            "-p",
            String.valueOf(port),
            "-U",
            USER,
            name));
    return name;
  }

  /** {@code postgresql://gpux:PASSWORD@127.0.0.1:PORT/DB}, the password escaped for a URL. */
  public String url(String database) {
    return "postgresql://"
        + USER
        + ":"
        + urlEncode(PASSWORD)
        + "@127.0.0.1:"
        + port
        + "/"
        + database;
  }

  /** The URL without its password (then GPUX reads {@code PGPASSWORD} or a password file). */
  public String urlWithoutPassword(String database) {
    return "postgresql://" + USER + "@127.0.0.1:" + port + "/" + database;
  }

  private static String urlEncode(String s) {
    return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** Runs {@code psql -c sql} on {@code database}; returns its unaligned output. */
  public String psql(String database, String sql) throws Exception {
    List<String> c = new ArrayList<>();
    if (asNobody) {
      c.addAll(List.of("runuser", "-u", "nobody", "--"));
    }
    c.addAll(
        List.of(
            bin.resolve("psql").toString(),
            "-h",
            "127.0.0.1",
            "-p",
            String.valueOf(port),
            "-U",
            USER,
            "-d",
            database,
            "-At",
            "-v",
            "ON_ERROR_STOP=1",
            "-c",
            sql));
    ProcessBuilder b = new ProcessBuilder(c).redirectErrorStream(true).directory(dir.toFile());
    b.environment().put("PGPASSWORD", PASSWORD);
    Process p = b.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("psql failed: " + out);
    }
    return out.strip();
  }

  /** Stops the server (fast shutdown) and deletes its folder. */
  @Override
  public void close() {
    try {
      pg(
          List.of(
              bin.resolve("pg_ctl").toString(),
              "-D",
              dir.resolve("data").toString(),
              "-m",
              "fast",
              "-w",
              "stop"));
    } catch (Exception stopped) {
      // Already stopped; the folder goes anyway.
    }
    try (Stream<Path> all = Files.walk(dir)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // A temporary folder: the system cleans it eventually.
    }
  }
}
