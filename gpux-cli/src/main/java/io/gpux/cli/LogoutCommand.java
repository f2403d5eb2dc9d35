package io.gpux.cli;

import io.gpux.Gpux;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code gpux logout}: forget a stored registry token. */
@Command(name = "logout", description = "Remove a stored registry token.")
final class LogoutCommand implements Callable<Integer> {
  @ParentCommand GpuxCommand parent;

  @Parameters(index = "0", paramLabel = "REGISTRY", description = "The registry, e.g. hf.")
  String registry;

  @Override
  public Integer call() {
    try (Gpux gpux = parent.gpux()) {
      String name = gpux.accounts().canonical(registry);
      parent.out.println(
          gpux.accounts().logout(name)
              ? "Removed the token for " + name
              : "No stored token for " + name);
      return ExitCodes.OK;
    }
  }
}
