package io.gpux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code gpux serve} as a user runs it: a child JVM on free ports, its output collected as it
 * comes, started once the models are warm ({@code gpux: ready}).
 */
final class ServeProcess implements AutoCloseable {
  private static final Pattern HTTP = Pattern.compile("^Serving .* on http://[^:]+:(\\d+)");
  private static final Pattern GRPC =
      Pattern.compile("gRPC \\(Open Inference Protocol.* on [^:]+:(\\d+)");

  final Process process;
  final StringBuffer output;
  final int httpPort;

  /** The gRPC port, or -1 without {@code --grpc-port}. */
  final int grpcPort;

  private ServeProcess(Process process, StringBuffer output, int httpPort, int grpcPort) {
    this.process = process;
    this.output = output;
    this.httpPort = httpPort;
    this.grpcPort = grpcPort;
  }

  /**
   * Runs {@code gpux serve --port 0 ARGS} in {@code dir} with {@code env} added, and waits (up to
   * 120 s each) for its ports and its readiness.
   */
  static ServeProcess start(Path dir, Map<String, String> env, List<String> args) throws Exception {
    return start(dir, env, args, line -> {});
  }

  /** As above, with each line of its output also given to {@code onLine} as it comes. */
  static ServeProcess start(
      Path dir, Map<String, String> env, List<String> args, Consumer<String> onLine)
      throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "io.gpux.cli.Main",
                "serve",
                "--port",
                "0"));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().putAll(env);
    // The class path goes in the environment, not on the command line: ONNX Runtime 1.29 reads
    // /proc/self/cmdline when it creates a session and crashes (SIGSEGV) when it is over ~4 KiB.
    pb.environment().put("CLASSPATH", System.getProperty("java.class.path"));
    Process p = pb.start();
    StringBuffer output = new StringBuffer();
    boolean grpc = args.contains("--grpc-port");
    CompletableFuture<Integer> http = new CompletableFuture<>();
    CompletableFuture<Integer> grpcPort = new CompletableFuture<>();
    CompletableFuture<Boolean> ready = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                  output.append(line).append('\n');
                  onLine.accept(line);
                  Matcher h = HTTP.matcher(line);
                  if (h.find()) {
                    http.complete(Integer.parseInt(h.group(1)));
                  }
                  Matcher g = GRPC.matcher(line);
                  if (g.find()) {
                    grpcPort.complete(Integer.parseInt(g.group(1)));
                  }
                  if (line.contains("gpux: ready")) {
                    ready.complete(true);
                  }
                }
              } catch (java.io.IOException e) {
                // the process ended
              }
              http.complete(-1);
              grpcPort.complete(-1);
              ready.complete(false);
            });
    reader.setDaemon(true);
    reader.start();
    ServeProcess s =
        new ServeProcess(
            p,
            output,
            http.get(120, TimeUnit.SECONDS),
            grpc ? grpcPort.get(120, TimeUnit.SECONDS) : -1);
    assertTrue(s.httpPort > 0, () -> "gpux serve printed its port (" + s.state() + "):\n" + output);
    assertTrue(
        !grpc || s.grpcPort > 0,
        () -> "gpux serve printed its gRPC port (" + s.state() + "):\n" + output);
    assertTrue(ready.get(120, TimeUnit.SECONDS), () -> "the models warmed up:\n" + output);
    return s;
  }

  private String state() {
    return process.isAlive() ? "running" : "exit " + process.exitValue();
  }

  /** Sends SIGTERM, as an orchestrator stops a container. */
  void terminate() throws Exception {
    Process kill = new ProcessBuilder("kill", "-TERM", Long.toString(process.pid())).start();
    assertEquals(0, kill.waitFor(), "kill -TERM was delivered");
  }

  /** SIGTERM, then the exit: 0, after draining ({@code gpux: stopped}). */
  void terminateAndExpectCleanExit() throws Exception {
    terminate();
    assertTrue(process.waitFor(120, TimeUnit.SECONDS), "the server exits:\n" + output);
    assertEquals(0, process.exitValue(), "exit code 0 after SIGTERM:\n" + output);
    assertTrue(output.toString().contains("gpux: stopped"), output.toString());
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }
}
