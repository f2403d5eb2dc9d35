package io.gpux.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The gpux command run as its own process, the way {@code bin/gpux} starts it (the launcher's JVM
 * options for a short command, the default thread stack): for what an in-process run cannot show,
 * such as the process's real command line, native crashes and what ONNX Runtime writes to file
 * descriptor 2.
 */
final class CliProcess {
  private CliProcess() {}

  /**
   * Starts {@code gpux ARGS} as a process of its own, its output and errors into {@code log}, to be
   * killed mid-way ({@link Process#destroyForcibly()} is {@code kill -9} on Linux).
   */
  static Process start(Map<String, String> env, Path log, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.gpux.cli.Main"));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().putAll(env);
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    return pb.start();
  }

  /** The size of the largest partial download in a store's work folder ({@code GPUX_HOME/tmp}). */
  static long partialBytes(Path tmp) throws IOException {
    if (!Files.isDirectory(tmp)) {
      return 0;
    }
    try (java.util.stream.Stream<Path> files = Files.list(tmp)) {
      return files
          .filter(p -> p.toString().endsWith(".partial"))
          .mapToLong(p -> p.toFile().length())
          .max()
          .orElse(0);
    }
  }

  static CliResult run(Path workingDirectory, Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-Xshare:auto", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp"));
    command.add(System.getProperty("java.class.path"));
    command.add("io.gpux.cli.Main");
    command.addAll(List.of(args));
    Path out = Files.createTempFile("gpux-out", ".txt");
    Path err = Files.createTempFile("gpux-err", ".txt");
    try {
      ProcessBuilder pb =
          new ProcessBuilder(command)
              .directory(workingDirectory.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .redirectOutput(out.toFile())
              .redirectError(err.toFile());
      pb.environment().putAll(env);
      Process p = pb.start();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor();
        throw new AssertionError("gpux " + String.join(" ", args) + " did not finish in 120 s");
      }
      return new CliResult(
          p.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
