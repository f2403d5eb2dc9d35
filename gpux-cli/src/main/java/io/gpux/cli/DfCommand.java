package io.gpux.cli;

import io.gpux.Gpux;
import io.gpux.error.GpuxException;
import io.gpux.store.DiskUsage;
import io.gpux.store.PruneReport;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code gpux df}: disk use of the current workspace's versions (unique vs shared), of each
 * workspace, and of the whole store, where a file several workspaces use is counted once.
 */
@Command(
    name = "df",
    description =
        "Show disk use: this workspace's model versions (unique vs shared bytes), each"
            + " workspace's, and the whole store's (shared files counted once).")
final class DfCommand implements Callable<Integer> {
  @ParentCommand GpuxCommand parent;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Override
  public Integer call() {
    try (Gpux gpux = parent.gpux()) {
      DiskUsage d = gpux.storage().diskUsage();
      // What prune would do now: unused files younger than its grace period stay.
      PruneReport prune = wouldPrune(gpux);
      if (json) {
        DiskUsage.WorkspaceUsage own = d.own();
        var o =
            Json.NODES
                .objectNode()
                .put("workspace", d.workspace())
                .put("workspace_bytes", own.bytes())
                .put("workspace_unique_bytes", own.uniqueBytes())
                .put("store_bytes", d.storeBytes())
                .put("referenced_bytes", d.referencedBytes())
                .put("partial_bytes", d.partialBytes());
        if (prune != null) {
          o.put("reclaimable_bytes", prune.bytes())
              .put("kept_bytes", prune.kept().bytes())
              .put(
                  "kept_until",
                  prune.kept().until() == null ? null : prune.kept().until().toString());
        }
        var ws = o.putArray("workspaces");
        d.workspaces()
            .forEach(
                w ->
                    ws.addObject()
                        .put("name", w.name())
                        .put("versions", w.versions())
                        .put("bytes", w.bytes())
                        .put("unique_bytes", w.uniqueBytes()));
        var a = o.putArray("versions");
        d.versions()
            .forEach(
                v ->
                    a.addObject()
                        .put("reference", v.reference())
                        .put("total_bytes", v.totalBytes())
                        .put("unique_bytes", v.uniqueBytes())
                        .put("shared_bytes", v.sharedBytes()));
        parent.out.println(Json.render(o, true));
        return ExitCodes.OK;
      }
      TextTable t = new TextTable("MODEL", "SIZE", "UNIQUE", "SHARED");
      d.versions()
          .forEach(
              v ->
                  t.row(
                      v.reference(),
                      io.gpux.units.ByteSizes.human(v.totalBytes()),
                      io.gpux.units.ByteSizes.human(v.uniqueBytes()),
                      io.gpux.units.ByteSizes.human(v.sharedBytes())));
      t.print(parent.out, "");
      parent.out.println();
      DiskUsage.WorkspaceUsage own = d.own();
      parent.out.println(
          "Workspace "
              + d.workspace()
              + ": "
              + own.versions()
              + " version(s), "
              + io.gpux.units.ByteSizes.human(own.bytes())
              + " ("
              + io.gpux.units.ByteSizes.human(own.uniqueBytes())
              + " used by no other workspace)");
      for (DiskUsage.WorkspaceUsage w : d.workspaces()) {
        if (!w.name().equals(d.workspace())) {
          parent.out.println(
              "Workspace "
                  + w.name()
                  + ": "
                  + w.versions()
                  + " version(s), "
                  + io.gpux.units.ByteSizes.human(w.bytes())
                  + " ("
                  + io.gpux.units.ByteSizes.human(w.uniqueBytes())
                  + " used by no other workspace)");
        }
      }
      parent.out.println(
          "Store (every workspace, shared files once): "
              + io.gpux.units.ByteSizes.human(d.storeBytes())
              + " on disk, "
              + io.gpux.units.ByteSizes.human(d.referencedBytes())
              + " in use; partial downloads "
              + io.gpux.units.ByteSizes.human(d.partialBytes()));
      if (prune == null) {
        parent.out.println(
            "Unused: "
                + io.gpux.units.ByteSizes.human(d.storeBytes() - d.referencedBytes())
                + " (gpux prune cannot run now; see its error)");
      } else {
        parent.out.println(
            "Reclaimable now: "
                + io.gpux.units.ByteSizes.human(prune.bytes())
                + " with gpux prune");
        if (prune.kept().blobs() > 0) {
          parent.out.println(
              "Kept for now: "
                  + io.gpux.units.ByteSizes.human(prune.kept().bytes())
                  + " in "
                  + prune.kept().blobs()
                  + " unused file(s) "
                  + PruneCommand.keptWhy(prune.kept())
                  + "; gpux prune frees them "
                  + PruneCommand.when(prune.kept().until())
                  + ", gpux prune --now at once");
        }
      }
      return ExitCodes.OK;
    }
  }

  /** A dry run of prune, or null when prune would refuse (a damaged manifest). */
  private static PruneReport wouldPrune(Gpux gpux) {
    try {
      return gpux.storage().prune(true, false);
    } catch (GpuxException e) {
      return null;
    }
  }
}
