package io.gpux.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gpux.Gpux;
import io.gpux.error.GpuxException;
import io.gpux.transfer.TransferListener;
import io.gpux.units.ByteSizes;
import io.gpux.versions.ModelCheck;
import io.gpux.versions.Status;
import io.gpux.versions.UpdateOutcome;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code gpux update}: move local names to what their registries point to now. */
@Command(
    name = "update",
    description = {
      "Pull what moved, fetching only files whose digest the store lacks.",
      "Each local name goes to the version its registry's name points to now; the previous",
      "version stays (see `gpux rollback`). Pinned names are skipped."
    })
final class UpdateCommand implements Callable<Integer> {
  @ParentCommand GpuxCommand parent;

  @Parameters(
      paramLabel = "REFERENCE",
      arity = "0..*",
      description = "models or local names to update, e.g. hf:org/model@main")
  List<String> references = List.of();

  @Option(names = "--all", description = "Update every stored model.")
  boolean all;

  @Option(names = "--dry-run", description = "Only say what would be updated.")
  boolean dryRun;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Option(
      names = "--collection",
      paramLabel = "NAME",
      description = "Update the models a collection follows (added with --follow).")
  String collection;

  @Override
  public Integer call() {
    if (all == (!references.isEmpty() || collection != null)) {
      throw GpuxException.invalidInput(
          all ? "--all and references both given" : "nothing to update",
          "give references (gpux update hf:org/model) or --all");
    }
    try (Gpux gpux = parent.gpux()) {
      // Several models may download at once: one summary line each instead of progress bars.
      List<UpdateOutcome> done =
          gpux.versions()
              .update(
                  collection == null
                      ? references
                      : CollectionOptions.with(gpux, references, collection, true),
                  dryRun,
                  TransferListener.NONE);
      if (json) {
        ObjectNode root = Json.NODES.objectNode();
        root.put("dry_run", dryRun);
        ArrayNode models = root.putArray("models");
        for (UpdateOutcome u : done) {
          VersionViews.check(models.addObject(), u.check())
              .put("updated", u.updated())
              .put("files_downloaded", u.filesDownloaded())
              .put("files_reused", u.filesReused())
              .put("bytes_downloaded", u.bytesDownloaded());
        }
        parent.out.println(Json.render(root, true));
      } else {
        if (done.isEmpty()) {
          parent.out.println("No models in the store.");
        }
        done.forEach(u -> parent.out.println(line(u)));
      }
      return done.stream().anyMatch(u -> u.check().status() == Status.UNREACHABLE)
          ? io.gpux.error.ErrorCategory.UNAVAILABLE.exitCode()
          : ExitCodes.OK;
    }
  }

  private String line(UpdateOutcome u) {
    ModelCheck c = u.check();
    String local = VersionViews.version(c.local());
    String remote = VersionViews.version(c.remote());
    String what =
        switch (c.status()) {
          case CURRENT -> "current (" + local + ")";
          case PINNED -> "pinned at " + local + ", skipped (`gpux unpin " + c.ref() + "`)";
          case EXACT -> "an exact version (" + local + "), nothing to update";
          case UNREACHABLE -> "not updated: " + c.error();
          case OUTDATED -> {
            String changes = VersionViews.changes(c.changes());
            if (dryRun) {
              yield "would update "
                  + local
                  + " -> "
                  + remote
                  + (changes.isEmpty() ? "" : " (" + changes + ")");
            }
            yield "updated "
                + local
                + " -> "
                + remote
                + " ("
                + u.filesDownloaded()
                + " file(s) fetched, "
                + ByteSizes.human(u.bytesDownloaded())
                + "; "
                + u.filesReused()
                + " reused)";
          }
        };
    return c.ref() + ": " + what;
  }
}
