package io.gpux.cli;

import io.gpux.Gpux;
import io.gpux.error.GpuxException;
import io.gpux.registry.Secret;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code gpux login}: store a registry token in $GPUX_HOME/credentials.json (mode 0600). */
@Command(
    name = "login",
    description = {
      "Store a registry token (in $GPUX_HOME/credentials.json, mode 0600).",
      "Environment variables (e.g. HF_TOKEN) still take precedence."
    })
final class LoginCommand implements Callable<Integer> {
  @ParentCommand GpuxCommand parent;

  @Parameters(index = "0", paramLabel = "REGISTRY", description = "The registry, e.g. hf.")
  String registry;

  @Option(
      names = "--token-stdin",
      description = "Read the token from standard input (the default when it is not a terminal).")
  boolean tokenStdin;

  @Option(
      names = "--username",
      paramLabel = "USER",
      description =
          "Log in with a user name and password (MLflow's basic auth); the secret read is the"
              + " password.")
  String username;

  @Override
  public Integer call() throws IOException {
    try (Gpux gpux = parent.gpux()) {
      String name = gpux.accounts().registry(registry);
      String token = readToken();
      if (token == null || token.isBlank()) {
        throw GpuxException.invalidInput(
            "no token given",
            "pipe it in: echo $TOKEN | gpux login " + registry + " --token-stdin");
      }
      if (username != null) {
        java.nio.file.Path file = gpux.accounts().login(name, username, new Secret(token.trim()));
        parent.out.println(
            "Saved a password for " + username + " at " + name + " in " + file + " (mode 0600)");
        return ExitCodes.OK;
      }
      java.nio.file.Path file = gpux.accounts().login(name, new Secret(token.trim()));
      parent.out.println("Saved a token for " + name + " in " + file + " (mode 0600)");
      return ExitCodes.OK;
    }
  }

  private String readToken() throws IOException {
    if (!tokenStdin && System.console() != null) {
      char[] typed =
          System.console()
              .readPassword(username == null ? "Token for %s: " : "Password for %s: ", registry);
      return typed == null ? null : new String(typed);
    }
    // The command's standard input (Main.run gives it), not System.in: in-process callers pass
    // their own.
    return new BufferedReader(new InputStreamReader(parent.in, StandardCharsets.UTF_8)).readLine();
  }
}
