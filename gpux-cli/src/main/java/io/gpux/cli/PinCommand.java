package io.gpux.cli;

import io.gpux.Gpux;
import io.gpux.versions.VersionTracker;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code gpux pin}: keep a local name where it is. */
@Command(
    name = "pin",
    description = {
      "Pin a local name so that `gpux update` leaves it alone.",
      "At its version, or at a stored VERSION (--to, or REF@VERSION when the model has one",
      "local name), until `gpux unpin`."
    })
final class PinCommand implements Callable<Integer> {
  @ParentCommand GpuxCommand parent;

  @Parameters(
      index = "0",
      paramLabel = "REFERENCE",
      description = "e.g. hf:org/model@main, mlflow:fraud@champion, hf:org/model@<commit>")
  String reference;

  @Option(names = "--to", paramLabel = "VERSION", description = "A stored version to pin it at.")
  String to;

  @Override
  public Integer call() {
    try (Gpux gpux = parent.gpux()) {
      VersionTracker.Moved m = gpux.versions().pin(reference, to);
      parent.out.println(
          "Pinned "
              + m.name().reference()
              + " at "
              + VersionViews.version(m.to())
              + (m.from().equals(m.to()) ? "" : " (was " + VersionViews.version(m.from()) + ")"));
      return ExitCodes.OK;
    }
  }
}
