package io.gpux.cli;

import io.gpux.Gpux;
import io.gpux.Models;
import io.gpux.registry.RemoteVersion;
import io.gpux.units.ByteSizes;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code gpux versions}: a model's versions in its registry, newest first, the names pointing at
 * each, and which are in the store (with the local names pointing at them).
 */
@Command(
    name = "versions",
    description = {
      "List a model's versions in its registry, marking those in the store.",
      "Newest first, with the names pointing at each (branches and tags, aliases and stages),",
      "when it was made, its size when known, and the local names that point at it."
    })
final class VersionsCommand implements Callable<Integer> {
  @ParentCommand GpuxCommand parent;

  @Parameters(index = "0", paramLabel = "REFERENCE", description = "e.g. hf:org/model")
  String reference;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Override
  public Integer call() {
    try (Gpux gpux = parent.gpux()) {
      List<Models.VersionInfo> found = gpux.models().versions(reference);
      if (json) {
        var a = Json.NODES.arrayNode();
        for (Models.VersionInfo info : found) {
          RemoteVersion v = info.remote();
          var o = a.addObject().put("version", v.version()).put("pulled", info.pulled());
          v.tags().forEach(o.putArray("tags")::add);
          o.withArray("tags");
          if (v.created() != null) {
            o.put("created", v.created().toString());
          }
          if (info.size() >= 0) {
            o.put("size", info.size());
          }
          if (v.description() != null) {
            o.put("description", v.description());
          }
          info.localNames().forEach(o.putArray("local_names")::add);
          o.withArray("local_names");
        }
        parent.out.println(Json.render(a, true));
        return ExitCodes.OK;
      }
      TextTable t = new TextTable("VERSION", "NAMES", "CREATED", "SIZE", "IN STORE", "DETAILS");
      for (Models.VersionInfo info : found) {
        RemoteVersion v = info.remote();
        String in =
            !info.pulled()
                ? ""
                : info.localNames().isEmpty()
                    ? "yes"
                    : "yes <- " + String.join(", ", info.localNames());
        t.row(
            VersionViews.version(v.version()),
            String.join(",", v.tags()),
            v.created() == null ? "" : v.created().toString(),
            info.size() < 0 ? "" : ByteSizes.human(info.size()),
            in,
            v.description() == null ? "" : v.description());
      }
      t.print(parent.out, "");
      return ExitCodes.OK;
    }
  }
}
