package io.gpux.cli;

import io.gpux.Gpux;
import io.gpux.Storage;
import io.gpux.store.VersionManifest;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code gpux list}: the models in the store. */
@Command(name = "list", aliases = "ls", description = "List the models in the local store.")
final class ListCommand implements Callable<Integer> {
  @ParentCommand GpuxCommand parent;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Override
  public Integer call() {
    try (Gpux gpux = parent.gpux()) {
      List<Storage.StoredModel> all = gpux.storage().list();
      if (json) {
        var array = Json.NODES.arrayNode();
        for (Storage.StoredModel s : all) {
          VersionManifest m = s.manifest();
          var o = array.addObject();
          o.put("reference", s.reference());
          o.put("registry", m.registry()).put("name", m.name()).put("version", m.version());
          o.put("selection", m.selection());
          var t = o.putArray("tags");
          s.tags().forEach(t::add);
          o.put("size_bytes", s.sizeBytes())
              .put("files", m.files().size())
              .put("pulled_at", m.pulledAt().toString());
        }
        parent.out.println(Json.render(array, true));
        return ExitCodes.OK;
      }
      if (all.isEmpty()) {
        // Each workspace has its own versions: an empty list here may be another's full one.
        parent.out.println(
            "The store has no models in workspace "
                + gpux.workspaces().current()
                + " ("
                + gpux.storage().home()
                + "). Pull a model: gpux pull hf:org/name");
        return ExitCodes.OK;
      }
      TextTable t = new TextTable("REGISTRY", "NAME", "VERSION", "TAGS", "SIZE", "PULLED");
      for (Storage.StoredModel s : all) {
        VersionManifest m = s.manifest();
        String exact = m.registryVersion();
        String version =
            (exact.length() > 12 && exact.matches("[0-9a-f]+") ? exact.substring(0, 12) : exact)
                + (m.selection() == null ? "" : "+" + m.selection());
        t.row(
            m.registry(),
            m.name(),
            version,
            String.join(",", s.tags()),
            io.gpux.units.ByteSizes.human(s.sizeBytes()),
            m.pulledAt().toString().substring(0, 19).replace('T', ' '));
      }
      t.print(parent.out, "");
      return ExitCodes.OK;
    }
  }
}
