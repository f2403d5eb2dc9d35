package io.gpux.cli;

import io.gpux.Gpux;
import io.gpux.store.DiskUsage;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code gpux df}: disk use of the store, by model version, shared vs unique. */
@Command(
    name = "df",
    description = "Show the store's disk use by model version (unique vs shared bytes).")
final class DfCommand implements Callable<Integer> {
  @ParentCommand GpuxCommand parent;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Override
  public Integer call() {
    try (Gpux gpux = parent.gpux()) {
      DiskUsage d = gpux.storage().diskUsage();
      if (json) {
        var o =
            Json.NODES
                .objectNode()
                .put("store_bytes", d.storeBytes())
                .put("referenced_bytes", d.referencedBytes())
                .put("partial_bytes", d.partialBytes());
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
                      Sizes.human(v.totalBytes()),
                      Sizes.human(v.uniqueBytes()),
                      Sizes.human(v.sharedBytes())));
      t.print(parent.out, "");
      parent.out.println();
      parent.out.println(
          "Store: "
              + Sizes.human(d.storeBytes())
              + " on disk ("
              + Sizes.human(d.referencedBytes())
              + " in use, "
              + Sizes.human(d.storeBytes() - d.referencedBytes())
              + " reclaimable with gpux prune), partial downloads "
              + Sizes.human(d.partialBytes()));
      return ExitCodes.OK;
    }
  }
}
