package io.gpux.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import picocli.CommandLine;

/** Entry point of the {@code gpux} command. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    int code = run(args, out, err, Path.of(""), System.getenv());
    out.flush();
    err.flush();
    System.exit(code);
  }

  /**
   * Runs one command line and returns its exit code; tests call this in-process.
   *
   * @param workingDirectory what relative paths are resolved against
   * @param env the environment (GPUX_HOME, GPUX_OFFLINE, HF_ENDPOINT, tokens...)
   */
  public static int run(
      String[] args,
      PrintWriter out,
      PrintWriter err,
      Path workingDirectory,
      Map<String, String> env) {
    boolean debug = Arrays.asList(args).contains("--debug") || "1".equals(env.get("GPUX_DEBUG"));
    CommandLine cli = new CommandLine(new GpuxCommand(workingDirectory, env, out, err));
    cli.setOut(out);
    cli.setErr(err);
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    ErrorReporter reporter = new ErrorReporter(err, debug);
    cli.setParameterExceptionHandler(reporter::usageError);
    cli.setExecutionExceptionHandler((e, line, parsed) -> reporter.report(e));
    return cli.execute(args);
  }
}
