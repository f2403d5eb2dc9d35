package io.gpux.cli;

import io.gpux.Gpux;
import io.gpux.Models;
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
        Models.Removal removed = gpux.models().remove(text);
        parent.out.println(
            "Removed " + removed.versions() + " version(s) of " + removed.reference());
      }
      parent.out.println("Run `gpux prune` to free the space of files no other model uses.");
      return ExitCodes.OK;
    }
  }
}
