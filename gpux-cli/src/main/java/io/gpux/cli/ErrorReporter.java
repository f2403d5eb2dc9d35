package io.gpux.cli;

import io.gpux.error.GpuxException;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Prints failures as {@code gpux: error: <problem>} and {@code hint: <fix>}, then {@code see:
 * <link>} to the error's entry in the troubleshooting page ({@link Troubleshooting}), with the
 * stack trace only under {@code --debug}, and picks the exit code.
 */
final class ErrorReporter {
  private final PrintWriter err;
  private final boolean debug;
  private final Troubleshooting troubleshooting;
  private final Log log;

  ErrorReporter(PrintWriter err, boolean debug, Troubleshooting troubleshooting) {
    this(err, debug, troubleshooting, Log.Format.TEXT);
  }

  /**
   * With {@code --log-format json}, each failure is one JSON object (level ERROR, its hint and its
   * troubleshooting entry).
   */
  ErrorReporter(
      PrintWriter err, boolean debug, Troubleshooting troubleshooting, Log.Format format) {
    this.err = err;
    this.debug = debug;
    this.troubleshooting = troubleshooting;
    this.log = format == Log.Format.JSON ? new Log(format, err, err, "gpux") : null;
  }

  private static String trace(Exception e) {
    java.io.StringWriter s = new java.io.StringWriter();
    e.printStackTrace(new PrintWriter(s));
    return s.toString();
  }

  int report(Exception e) {
    if (log != null) {
      GpuxException g = e instanceof GpuxException x ? x : null;
      log.write(
          Log.Level.ERROR,
          g != null ? "error" : "internal_error",
          g != null ? g.problem() : "internal error: " + e,
          new Object[] {
            "hint",
            g != null
                ? g.hint()
                : debug ? null : "this is a bug in GPUX; rerun with --debug and report the output",
            "exit_code",
            g != null ? g.category().exitCode() : ExitCodes.INTERNAL,
            "see",
            g != null
                ? troubleshooting.link(g.topic(), g.problem(), g.category())
                : troubleshooting.link(null, "", io.gpux.error.ErrorCategory.INTERNAL)
          },
          debug ? trace(e) : null);
      return g != null ? g.category().exitCode() : ExitCodes.INTERNAL;
    }
    if (e instanceof GpuxException g) {
      err.println("gpux: error: " + g.problem());
      if (g.hint() != null) {
        err.println("hint: " + g.hint());
      }
      err.println("see: " + troubleshooting.link(g.topic(), g.problem(), g.category()));
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
    err.println("see: " + troubleshooting.link(null, "", io.gpux.error.ErrorCategory.INTERNAL));
    err.flush();
    return ExitCodes.INTERNAL;
  }

  int usageError(ParameterException e, String[] args) {
    CommandLine cmd = e.getCommandLine();
    String name = cmd.getCommandSpec().qualifiedName();
    String problem = e.getMessage();
    String hint = "see `" + name + " --help`";
    if (e instanceof UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
      String first = u.getUnmatched().get(0);
      boolean option = first.startsWith("-") && first.length() > 1;
      problem =
          option
              ? "unknown option '" + first + "' for " + name
              : !cmd.getSubcommands().isEmpty()
                  ? "unknown command '" + first + "'"
                  : "unexpected argument '" + first + "' for " + name;
      String habit = option ? habit(cmd.getCommandSpec().name(), first) : null;
      List<String> suggestions = u.getSuggestions();
      if (habit != null) {
        hint = habit;
      } else if (!suggestions.isEmpty()) {
        hint =
            "did you mean "
                + (option ? suggestions.get(0) : "`" + name + " " + suggestions.get(0) + "`")
                + "? (see `"
                + name
                + " --help`)";
      }
    } else if (problem.startsWith("Error: ")) {
      // Picocli prefixes argument-group errors with its own "Error: ".
      problem = problem.substring("Error: ".length());
    }
    if (e.getArgSpec() instanceof OptionSpec o
        && cmd.getCommandSpec().name().equals("serve")
        && o.longestName().equals("--port")
        && problem.startsWith("Invalid value")) {
      hint = "-p is the port in gpux serve (as in docker run -p); the provider is --provider NAME";
    }
    if (!problem.isEmpty()) {
      problem = Character.toLowerCase(problem.charAt(0)) + problem.substring(1);
    }
    if (log != null) {
      log.write(
          Log.Level.ERROR,
          "usage_error",
          problem,
          new Object[] {
            "hint",
            hint,
            "exit_code",
            ExitCodes.USAGE,
            "see",
            troubleshooting.link(null, problem, io.gpux.error.ErrorCategory.INVALID_INPUT)
          },
          null);
      return ExitCodes.USAGE;
    }
    err.println("gpux: error: " + problem);
    err.println("hint: " + hint);
    err.println(
        "see: " + troubleshooting.link(null, problem, io.gpux.error.ErrorCategory.INVALID_INPUT));
    err.flush();
    return ExitCodes.USAGE;
  }

  /** Short options that mean something else in another command, or used to. */
  private static String habit(String command, String option) {
    if (option.equals("-p") || option.startsWith("-p=")) {
      return "the execution provider is --provider NAME (long form only; -p is gpux serve's port)";
    }
    if (option.equals("-f") && command.equals("pull")) {
      return "to download again, use --force (long form only; -f is --file in gpux run)";
    }
    return null;
  }
}
