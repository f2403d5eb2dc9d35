package io.gpux.cli;

import io.gpux.error.GpuxException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * Prints failures as {@code gpux: error: <problem>} and {@code hint: <fix>}, with the stack trace
 * only under {@code --debug}, and picks the exit code.
 */
final class ErrorReporter {
  private final PrintWriter err;
  private final boolean debug;

  ErrorReporter(PrintWriter err, boolean debug) {
    this.err = err;
    this.debug = debug;
  }

  int report(Exception e) {
    if (e instanceof GpuxException g) {
      err.println("gpux: error: " + g.problem());
      if (g.hint() != null) {
        err.println("hint: " + g.hint());
      }
      if (debug) {
        e.printStackTrace(err);
      }
      err.flush();
      return g.category().exitCode();
    }
    err.println("gpux: internal error: " + e);
    if (debug) {
      e.printStackTrace(err);
    } else {
      err.println("hint: this is a bug in GPUX; rerun with --debug and report the output");
    }
    err.flush();
    return ExitCodes.INTERNAL;
  }

  int usageError(ParameterException e, String[] args) {
    CommandLine cmd = e.getCommandLine();
    err.println("gpux: error: " + e.getMessage());
    String name = cmd.getCommandSpec().qualifiedName();
    err.println("hint: see `" + name + " --help`");
    err.flush();
    return ExitCodes.USAGE;
  }
}
