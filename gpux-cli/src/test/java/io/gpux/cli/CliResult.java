package io.gpux.cli;

import io.gpux.config.GpuxSettings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.UnaryOperator;

/** One in-process run of the gpux command: exit code and captured output. */
record CliResult(int exitCode, String out, String err) {

  static CliResult run(Path workingDirectory, String... args) {
    return run(workingDirectory, System.getenv(), args);
  }

  static CliResult run(Path workingDirectory, Map<String, String> env, String... args) {
    return run(workingDirectory, env, UnaryOperator.identity(), args);
  }

  /** With {@code tune} applied to the command's settings: a clock and a sleeper of the test's. */
  static CliResult run(
      Path workingDirectory,
      Map<String, String> env,
      UnaryOperator<GpuxSettings> tune,
      String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Main.run(
            args,
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            workingDirectory,
            env,
            tune);
    return new CliResult(code, out.toString(), err.toString());
  }

  /** With {@code stdin} as the command's standard input ({@code gpux batch pull -}). */
  static CliResult withInput(
      String stdin, Path workingDirectory, Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Main.run(
            args,
            new java.io.ByteArrayInputStream(
                stdin.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            workingDirectory,
            env,
            UnaryOperator.identity());
    return new CliResult(code, out.toString(), err.toString());
  }

  @Override
  public String toString() {
    return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
  }
}
