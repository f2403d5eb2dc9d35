package io.gpux.cli;

import io.gpux.Gpux;
import io.gpux.versions.LocalName;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code gpux unpin}: let updates move a local name again. */
@Command(name = "unpin", description = "Unpin a local name: `gpux update` moves it again.")
final class UnpinCommand implements Callable<Integer> {
  @ParentCommand GpuxCommand parent;

  @Parameters(index = "0", paramLabel = "REFERENCE", description = "e.g. hf:org/model@main")
  String reference;

  @Override
  public Integer call() {
    try (Gpux gpux = parent.gpux()) {
      LocalName n = gpux.versions().unpin(reference);
      parent.out.println(
          "Unpinned " + n.reference() + " (at " + VersionViews.version(n.version()) + ")");
      return ExitCodes.OK;
    }
  }
}
