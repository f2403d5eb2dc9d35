package io.gpux.cli;

import io.gpux.Gpux;
import io.gpux.versions.VersionTracker;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code gpux rollback}: a local name goes back to its previous version. */
@Command(
    name = "rollback",
    description = {
      "Point a local name back at the version it pointed to before.",
      "Or at a stored VERSION (--to). Both versions stay in the store; `gpux update` moves it",
      "forward again."
    })
final class RollbackCommand implements Callable<Integer> {
  @ParentCommand GpuxCommand parent;

  @Parameters(index = "0", paramLabel = "REFERENCE", description = "e.g. hf:org/model@main")
  String reference;

  @Option(names = "--to", paramLabel = "VERSION", description = "A stored version to go to.")
  String to;

  @Override
  public Integer call() {
    try (Gpux gpux = parent.gpux()) {
      VersionTracker.Moved m = gpux.versions().rollback(reference, to);
      parent.out.println(
          "Rolled back "
              + m.name().reference()
              + ": "
              + VersionViews.version(m.from())
              + " -> "
              + VersionViews.version(m.to()));
      return ExitCodes.OK;
    }
  }
}
