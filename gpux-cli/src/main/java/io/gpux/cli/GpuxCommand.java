package io.gpux.cli;

import io.gpux.Gpux;
import io.gpux.config.GpuxSettings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** {@code gpux}: the top-level command; each verb is a subcommand. */
@Command(
    name = "gpux",
    mixinStandardHelpOptions = true,
    versionProvider = GpuxCommand.Version.class,
    description = "Docker-like runtime for ML inference on ONNX Runtime.",
    subcommands = {
      BuildCommand.class,
      RunCommand.class,
      InspectCommand.class,
      ProvidersCommand.class,
      PullCommand.class,
      ListCommand.class,
      RmCommand.class,
      PruneCommand.class,
      DfCommand.class,
      VerifyCommand.class,
      LoginCommand.class,
      LogoutCommand.class,
      picocli.CommandLine.HelpCommand.class
    },
    footer = {
      "",
      "Exit codes: 0 ok, 1 model failed at run time, 2 bad input, 3 unavailable (provider,",
      "native library), 4 internal error. Add --debug to see stack traces."
    })
public final class GpuxCommand implements Runnable {
  final Path workingDirectory;
  final Map<String, String> env;
  final PrintWriter out;
  final PrintWriter err;

  @Option(
      names = "--debug",
      scope = ScopeType.INHERIT,
      description = "Show stack traces and ONNX Runtime details on errors.")
  boolean debug;

  GpuxCommand(Path workingDirectory, Map<String, String> env, PrintWriter out, PrintWriter err) {
    this.workingDirectory = workingDirectory;
    this.env = env;
    this.out = out;
    this.err = err;
  }

  Gpux gpux() {
    return Gpux.open(
        workingDirectory,
        GpuxSettings.fromEnvironment(env, Path.of(System.getProperty("user.home"))));
  }

  @Override
  public void run() {
    out.println(new picocli.CommandLine(this).getUsageMessage());
  }

  /** {@code gpux --version}. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"gpux " + Gpux.version()};
    }
  }
}
