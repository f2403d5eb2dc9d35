package io.gpux.cli;

import io.gpux.Gpux;
import io.gpux.config.GpuxSettings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** {@code gpux}: the top-level command; each verb is a subcommand. */
@Command(
    name = "gpux",
    mixinStandardHelpOptions = true,
    versionProvider = GpuxCommand.Version.class,
    description = "Docker-like runtime for ML inference on ONNX Runtime.",
    footer = {
      "",
      "Exit codes: 0 ok, 1 model failed at run time, 2 bad input, 3 unavailable",
      "(provider, native library), 4 internal error. Add --debug to see stack traces.",
      "Run `gpux COMMAND --help` for a command's options."
    })
public final class GpuxCommand implements Runnable {
  final Path workingDirectory;
  final Map<String, String> env;
  final PrintWriter out;
  final PrintWriter err;

  /** Standard input ({@code gpux batch pull -}); tests give their own. */
  java.io.InputStream in = System.in;

  /** Applied to the settings read from the environment: tests inject a clock and a sleeper. */
  UnaryOperator<GpuxSettings> tune = UnaryOperator.identity();

  @Option(
      names = "--debug",
      scope = ScopeType.INHERIT,
      description = "Show stack traces and ONNX Runtime details on errors.")
  boolean debug;

  @Option(
      names = "--workspace",
      paramLabel = "NAME",
      scope = ScopeType.INHERIT,
      description =
          "The workspace to work in (default: GPUX_WORKSPACE, else `gpux workspace use`).")
  String workspace;

  @Option(
      names = "--log-format",
      paramLabel = "text|json",
      converter = LogFormatConverter.class,
      scope = ScopeType.INHERIT,
      description =
          "text, or json: one JSON object per line on standard error (timestamp, level, logger,"
              + " event, message, model, request_id...) for serve's log and every command's"
              + " errors and warnings (default: GPUX_LOG_FORMAT, else text).")
  Log.Format logFormat;

  /** Names the values as the option spells them ({@code text}, {@code json}) when one is wrong. */
  static final class LogFormatConverter implements picocli.CommandLine.ITypeConverter<Log.Format> {
    @Override
    public Log.Format convert(String value) {
      Log.Format f = Log.Format.parse(value);
      if (f == null) {
        throw new picocli.CommandLine.TypeConversionException(
            "expected text or json but was '" + value + "'");
      }
      return f;
    }
  }

  GpuxCommand(Path workingDirectory, Map<String, String> env, PrintWriter out, PrintWriter err) {
    this.workingDirectory = workingDirectory;
    this.env = env;
    this.out = out;
    this.err = err;
  }

  Gpux gpux() {
    Map<String, String> e = env;
    if (workspace != null) {
      io.gpux.workspace.Names.check("workspace", workspace);
      e = new java.util.HashMap<>(env);
      e.put("GPUX_WORKSPACE", workspace);
    }
    return Gpux.open(
            workingDirectory,
            tune.apply(GpuxSettings.fromEnvironment(e, Path.of(System.getProperty("user.home")))))
        .onWarning(this::warn);
  }

  private boolean json() {
    Log.Format f = logFormat != null ? logFormat : Log.Format.parse(env.get("GPUX_LOG_FORMAT"));
    return f == Log.Format.JSON;
  }

  /** {@code gpux: warning: WARNING} on standard error, or a WARN event in JSON. */
  void warn(String warning) {
    log("gpux").warn("warning", json() ? warning : "warning: " + warning);
  }

  /** This command's log under {@code logger}, in the format --log-format chose. */
  Log log(String logger) {
    return new Log(json() ? Log.Format.JSON : Log.Format.TEXT, out, err, logger);
  }

  /**
   * The verbs, in help order. Picocli reflects over every registered command at start-up, so {@link
   * Main} registers only the one being run (all of them for help): a third of the start time of a
   * short command otherwise.
   */
  static final Map<String, Supplier<Object>> COMMANDS = commands();

  private static Map<String, Supplier<Object>> commands() {
    Map<String, Supplier<Object>> m = new LinkedHashMap<>();
    m.put("build", BuildCommand::new);
    m.put("run", RunCommand::new);
    m.put("inspect", InspectCommand::new);
    m.put("convert", ConvertCommand::new);
    m.put("providers", ProvidersCommand::new);
    m.put("test", TestCommand::new);
    m.put("serve", ServeCommand::new);
    m.put("insights", InsightsCommand::new);
    m.put("dashboard", DashboardCommand::new);
    m.put("pull", PullCommand::new);
    m.put("batch", BatchCommand::new);
    m.put("search", SearchCommand::new);
    m.put("versions", VersionsCommand::new);
    m.put("outdated", OutdatedCommand::new);
    m.put("update", UpdateCommand::new);
    m.put("pin", PinCommand::new);
    m.put("unpin", UnpinCommand::new);
    m.put("rollback", RollbackCommand::new);
    m.put("history", HistoryCommand::new);
    m.put("push", PushCommand::new);
    m.put("collection", CollectionCommand::new);
    m.put("workspace", WorkspaceCommand::new);
    m.put("lock", LockCommand::new);
    m.put("sync", SyncCommand::new);
    m.put("export", ExportCommand::new);
    m.put("import", ImportCommand::new);
    m.put("diff", DiffCommand::new);
    m.put("compare", CompareCommand::new);
    m.put("recommend", RecommendCommand::new);
    m.put("lineage", LineageCommand::new);
    m.put("list", ListCommand::new);
    m.put("rm", RmCommand::new);
    m.put("prune", PruneCommand::new);
    m.put("df", DfCommand::new);
    m.put("verify", VerifyCommand::new);
    m.put("login", LoginCommand::new);
    m.put("logout", LogoutCommand::new);
    m.put("config", ConfigCommand::new);
    m.put("completion", CompletionCommand::new);
    return m;
  }

  static final Map<String, String> ALIASES = Map.of("ls", "list");

  @Spec CommandSpec spec;

  /**
   * {@code gpux} alone prints the usage with the list of commands and exits 0, as {@code docker}
   * does (it is a request for orientation, not an error).
   */
  @Override
  public void run() {
    spec.commandLine().usage(out);
  }

  /** {@code gpux --version}: what {@code docker version} shows, for bug reports. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return BuildInfo.lines();
    }
  }
}
