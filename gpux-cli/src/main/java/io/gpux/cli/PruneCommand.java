package io.gpux.cli;

import io.gpux.Gpux;
import io.gpux.store.PruneReport;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code gpux prune}: free files that no stored model uses. */
@Command(
    name = "prune",
    description = "Delete files no stored model uses, and stale partial downloads.")
final class PruneCommand implements Callable<Integer> {
  @ParentCommand GpuxCommand parent;

  @Option(
      names = {"-n", "--dry-run"},
      description = "Only report what would be deleted.")
  boolean dryRun;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Override
  public Integer call() {
    try (Gpux gpux = parent.gpux()) {
      PruneReport r = gpux.storage().prune(dryRun);
      if (json) {
        var o = Json.NODES.objectNode().put("dry_run", r.dryRun()).put("bytes", r.bytes());
        r.blobs().forEach(o.putArray("blobs")::add);
        var partials = o.putArray("partials");
        r.partials().forEach(partials::add);
        parent.out.println(Json.render(o, true));
      } else {
        parent.out.println(
            (dryRun ? "Would free " : "Freed ")
                + Sizes.human(r.bytes())
                + ": "
                + r.blobs().size()
                + " unused file(s), "
                + r.partials().size()
                + " stale partial download(s)");
      }
      return ExitCodes.OK;
    }
  }
}
