package io.gpux.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** Entry point of the {@code gpux} command. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    if (args.length == 2 && args[0].equals("--cds-training")) {
      CdsTraining.run(Path.of(args[1]));
      return;
    }
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    int code = run(args, out, err, Path.of(""), System.getenv());
    out.flush();
    err.flush();
    System.exit(code);
  }

  /** The subcommand named on the command line, or null (then every command is registered). */
  private static String verb(String[] args) {
    for (String a : args) {
      if (a.startsWith("-")) {
        if (a.equals("--debug")) {
          continue;
        }
        return null; // --help, --version: top-level options want the full command list
      }
      String name = GpuxCommand.ALIASES.getOrDefault(a, a);
      return GpuxCommand.COMMANDS.containsKey(name) ? name : null;
    }
    return null;
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
    return run(args, out, err, workingDirectory, env, java.util.function.UnaryOperator.identity());
  }

  /**
   * {@link #run(String[], PrintWriter, PrintWriter, Path, Map)} with {@code tune} applied to the
   * settings read from {@code env}: tests give the command a clock and a sleeper of their own.
   */
  public static int run(
      String[] args,
      PrintWriter out,
      PrintWriter err,
      Path workingDirectory,
      Map<String, String> env,
      java.util.function.UnaryOperator<io.gpux.config.GpuxSettings> tune) {
    return run(args, System.in, out, err, workingDirectory, env, tune);
  }

  /** {@link #run(String[], PrintWriter, PrintWriter, Path, Map)} reading {@code in} as stdin. */
  public static int run(
      String[] args,
      java.io.InputStream in,
      PrintWriter out,
      PrintWriter err,
      Path workingDirectory,
      Map<String, String> env,
      java.util.function.UnaryOperator<io.gpux.config.GpuxSettings> tune) {
    boolean debug = Arrays.asList(args).contains("--debug") || "1".equals(env.get("GPUX_DEBUG"));
    CommandLine cli =
        commandLine(verb(args), debug, logFormat(args, env), out, err, workingDirectory, env);
    ((GpuxCommand) cli.getCommand()).tune = tune;
    ((GpuxCommand) cli.getCommand()).in = in;
    return cli.execute(args);
  }

  /**
   * Every command's model, for tools that walk it rather than run it: the command reference and the
   * man pages (io.gpux.cli.docs). Nothing it would print goes anywhere.
   */
  public static CommandLine commandModel() {
    PrintWriter sink = new PrintWriter(java.io.Writer.nullWriter());
    return commandLine(null, false, sink, sink, Path.of(""), Map.of());
  }

  /**
   * The command model: the top-level command with {@code verb} registered, or every command when
   * {@code verb} is null (help, completion scripts, tests that walk every command).
   */
  static CommandLine commandLine(
      String verb,
      boolean debug,
      PrintWriter out,
      PrintWriter err,
      Path workingDirectory,
      Map<String, String> env) {
    return commandLine(verb, debug, Log.Format.TEXT, out, err, workingDirectory, env);
  }

  /**
   * {@code --log-format} as given (it may come after the verb), else GPUX_LOG_FORMAT, else text:
   * known before parsing, since a parsing error is reported in it too.
   */
  static Log.Format logFormat(String[] args, Map<String, String> env) {
    String given = null;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--")) {
        break;
      }
      if (args[i].equals("--log-format") && i + 1 < args.length) {
        given = args[i + 1];
      } else if (args[i].startsWith("--log-format=")) {
        given = args[i].substring("--log-format=".length());
      }
    }
    Log.Format f = Log.Format.parse(given != null ? given : env.get("GPUX_LOG_FORMAT"));
    return f != null ? f : Log.Format.TEXT;
  }

  static CommandLine commandLine(
      String verb,
      boolean debug,
      Log.Format logFormat,
      PrintWriter out,
      PrintWriter err,
      Path workingDirectory,
      Map<String, String> env) {
    GpuxCommand root = new GpuxCommand(workingDirectory, env, out, err);
    CommandLine cli = new CommandLine(root);
    for (Map.Entry<String, java.util.function.Supplier<Object>> c :
        GpuxCommand.COMMANDS.entrySet()) {
      if (verb == null || verb.equals(c.getKey())) {
        CommandLine sub = new CommandLine(c.getValue().get());
        addHelpOption(sub);
        cli.addSubcommand(c.getKey(), sub);
      }
    }
    if (verb == null) {
      cli.addSubcommand("help", new CommandLine.HelpCommand());
    }
    cli.setOut(out);
    cli.setErr(err);
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    // `-i @FILE` is read by `gpux run` itself; picocli's own @-file expansion would split the
    // file into words (and look for it relative to the JVM's folder, not the working directory).
    cli.setExpandAtFiles(false);
    ErrorReporter reporter = new ErrorReporter(err, debug, Troubleshooting.from(env), logFormat);
    cli.setParameterExceptionHandler(reporter::usageError);
    cli.setExecutionExceptionHandler((e, line, parsed) -> reporter.report(e));
    return cli;
  }

  /**
   * {@code -h}/{@code --help} on every command and its subcommands, added here rather than in each
   * annotation so that a new command cannot lack it.
   */
  private static void addHelpOption(CommandLine command) {
    CommandSpec spec = command.getCommandSpec();
    if (spec.findOption("--help") == null && spec.findOption("-h") == null) {
      spec.addMixin("help", CommandSpec.forAnnotatedObject(new HelpOption()));
    }
    command.getSubcommands().values().forEach(Main::addHelpOption);
  }

  /** The help option every subcommand gets. */
  static final class HelpOption {
    @Option(
        names = {"-h", "--help"},
        usageHelp = true,
        description = "Show this help message and exit.")
    boolean help;
  }
}
