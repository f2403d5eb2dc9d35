package io.gpux.cli;

import io.gpux.Gpux;
import io.gpux.GpuxException;
import io.gpux.ref.ModelRef;
import io.gpux.store.VersionManifest;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code gpux rm}: remove model versions from the store. */
@Command(
    name = "rm",
    description = {
      "Remove a model version (REF@version) or every version of a model (REF) from the store.",
      "Files shared with other versions stay; `gpux prune` frees what nothing uses."
    })
final class RmCommand implements Callable<Integer> {
  @ParentCommand GpuxCommand parent;

  @Parameters(
      paramLabel = "REFERENCE",
      arity = "1..*",
      description = "e.g. hf:org/model or hf:org/model@<commit>")
  java.util.List<String> references;

  @Override
  public Integer call() {
    try (Gpux gpux = parent.gpux()) {
      for (String text : references) {
        ModelRef ref = gpux.reference(text);
        String version = null;
        String registry = ref.registry();
        if (ref.qualifier() != null || registry == null) {
          VersionManifest m = gpux.findStored(ref);
          if (m == null) {
            throw GpuxException.notFound(text + " is not in the store", "see `gpux list`");
          }
          registry = m.registry();
          version = ref.qualifier() == null ? null : m.version();
        }
        int removed = gpux.store().remove(registry, ref.name(), version);
        if (removed == 0) {
          throw GpuxException.notFound(text + " is not in the store", "see `gpux list`");
        }
        parent.out.println(
            "Removed "
                + removed
                + " version(s) of "
                + registry
                + ":"
                + ref.name()
                + (version == null ? "" : "@" + version));
      }
      parent.out.println("Run `gpux prune` to free the space of files no other model uses.");
      return ExitCodes.OK;
    }
  }
}
