package io.gpux.cli;

import io.gpux.Gpux;
import io.gpux.Models;
import io.gpux.registry.RemoteVersion;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code gpux versions}: a model's versions in its registry, and which are in the store. */
@Command(
    name = "versions",
    description = "List a model's versions in its registry, marking those in the store.")
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
      List<RemoteVersion> versions = found.stream().map(Models.VersionInfo::remote).toList();
      Set<String> stored =
          found.stream()
              .filter(Models.VersionInfo::pulled)
              .map(v -> v.remote().version())
              .collect(Collectors.toSet());
      if (json) {
        var a = Json.NODES.arrayNode();
        for (RemoteVersion v : versions) {
          var o =
              a.addObject().put("version", v.version()).put("pulled", stored.contains(v.version()));
          v.tags().forEach(o.putArray("tags")::add);
          if (v.created() != null) {
            o.put("created", v.created().toString());
          }
          if (v.description() != null) {
            o.put("description", v.description());
          }
        }
        parent.out.println(Json.render(a, true));
        return ExitCodes.OK;
      }
      boolean details =
          versions.stream().anyMatch(v -> v.created() != null || v.description() != null);
      TextTable t =
          details
              ? new TextTable("VERSION", "TAGS", "IN STORE", "CREATED", "DETAILS")
              : new TextTable("VERSION", "TAGS", "IN STORE");
      for (RemoteVersion v : versions) {
        String in = stored.contains(v.version()) ? "yes" : "";
        if (details) {
          t.row(
              v.version(),
              String.join(",", v.tags()),
              in,
              v.created() == null ? "" : v.created().toString(),
              v.description() == null ? "" : v.description());
        } else {
          t.row(v.version(), String.join(",", v.tags()), in);
        }
      }
      t.print(parent.out, "");
      return ExitCodes.OK;
    }
  }
}
