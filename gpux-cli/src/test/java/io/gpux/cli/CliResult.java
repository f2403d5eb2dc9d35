package io.gpux.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;

/** One in-process run of the gpux command: exit code and captured output. */
record CliResult(int exitCode, String out, String err) {

  static CliResult run(Path workingDirectory, String... args) {
    return run(workingDirectory, System.getenv(), args);
  }

  static CliResult run(Path workingDirectory, Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Main.run(
            args, new PrintWriter(out, true), new PrintWriter(err, true), workingDirectory, env);
    return new CliResult(code, out.toString(), err.toString());
  }

  @Override
  public String toString() {
    return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
  }
}
