package io.gpux.cli;

import io.gpux.Gpux;
import io.gpux.store.ManifestFile;
import io.gpux.store.VersionManifest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
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
      List<VersionManifest> all = gpux.store().list();
      Map<String, List<String>> tags =
          all.stream()
              .collect(
                  Collectors.toMap(
                      m -> key(m),
                      m -> gpux.store().tagsOf(m.registry(), m.name(), m.version()),
                      (a, b) -> a));
      if (json) {
        var array = Json.NODES.arrayNode();
        for (VersionManifest m : all) {
          var o = array.addObject();
          o.put("reference", References.exact(gpux, m));
          o.put("registry", m.registry()).put("name", m.name()).put("version", m.version());
          o.put("selection", m.selection());
          var t = o.putArray("tags");
          tags.get(key(m)).forEach(t::add);
          o.put("size_bytes", size(m))
              .put("files", m.files().size())
              .put("pulled_at", m.pulledAt().toString());
        }
        parent.out.println(Json.render(array, true));
        return ExitCodes.OK;
      }
      if (all.isEmpty()) {
        parent.out.println(
            "The store is empty ("
                + gpux.settings().home()
                + "). Pull a model: gpux pull hf:org/name");
        return ExitCodes.OK;
      }
      TextTable t = new TextTable("REGISTRY", "NAME", "VERSION", "TAGS", "SIZE", "PULLED");
      for (VersionManifest m : all) {
        String exact = m.registryVersion();
        String version =
            (exact.length() > 12 && exact.matches("[0-9a-f]+") ? exact.substring(0, 12) : exact)
                + (m.selection() == null ? "" : "+" + m.selection());
        t.row(
            m.registry(),
            m.name(),
            version,
            String.join(",", tags.get(key(m))),
            Sizes.human(size(m)),
            m.pulledAt().toString().substring(0, 19).replace('T', ' '));
      }
      t.print(parent.out, "");
      return ExitCodes.OK;
    }
  }

  private static String key(VersionManifest m) {
    return m.registry() + ":" + m.name() + "@" + m.version();
  }

  static long size(VersionManifest m) {
    return m.files().stream().mapToLong(ManifestFile::size).sum();
  }
}
