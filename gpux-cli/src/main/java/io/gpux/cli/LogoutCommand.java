package io.gpux.cli;

import io.gpux.Gpux;
import io.gpux.registry.Credentials;
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
      String name =
          gpux.registries().has(registry) ? gpux.registries().get(registry).name() : registry;
      Credentials credentials =
          new Credentials(parent.env, gpux.settings().home().resolve("credentials.json"));
      parent.out.println(
          credentials.remove(name)
              ? "Removed the token for " + name
              : "No stored token for " + name);
      return ExitCodes.OK;
    }
  }
}
