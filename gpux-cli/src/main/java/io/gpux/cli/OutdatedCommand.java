package io.gpux.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gpux.Gpux;
import io.gpux.versions.ModelCheck;
import io.gpux.versions.Status;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code gpux outdated}: stored models whose registry name has moved on. */
@Command(
    name = "outdated",
    description = {
      "Check stored models against their registries: metadata only, nothing is downloaded.",
      "A model pulled by a movable name (a branch, tag, alias, stage, latest) is outdated when",
      "that name points elsewhere now.",
      "Exit codes: 0 none outdated, 1 some outdated, 2 bad input, 3 some registry could not be",
      "reached (and none outdated)."
    })
final class OutdatedCommand implements Callable<Integer> {
  /** {@code pip list --outdated}-style scripts test for this. */
  static final int SOME_OUTDATED = 1;

  @ParentCommand GpuxCommand parent;

  @Parameters(
      paramLabel = "REFERENCE",
      arity = "0..*",
      description =
          "models or local names to check (default: every stored model), e.g."
              + " hf:org/model, hf:org/model@main, mlflow:fraud@champion")
  List<String> references = List.of();

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Option(
      names = "--collection",
      paramLabel = "NAME",
      description = "Check the models a collection follows (added with --follow).")
  String collection;

  @Override
  public Integer call() {
    try (Gpux gpux = parent.gpux()) {
      List<ModelCheck> checks =
          gpux.versions()
              .outdated(
                  collection == null
                      ? references
                      : CollectionOptions.with(gpux, references, collection, true));
      if (json) {
        ObjectNode root = Json.NODES.objectNode();
        ArrayNode models = root.putArray("models");
        checks.forEach(c -> VersionViews.check(models.addObject(), c));
        parent.out.println(Json.render(root, true));
      } else if (checks.isEmpty()) {
        parent.out.println("No models in the store.");
      } else {
        TextTable t = new TextTable("REFERENCE", "LOCAL", "REMOTE", "STATUS", "CHANGES");
        for (ModelCheck c : checks) {
          t.row(
              c.ref(),
              VersionViews.version(c.local()),
              VersionViews.version(c.remote()),
              c.status().label(),
              c.error() != null ? c.error() : VersionViews.changes(c.changes()));
        }
        t.print(parent.out, "");
      }
      return exitCode(checks);
    }
  }

  static int exitCode(List<ModelCheck> checks) {
    if (checks.stream().anyMatch(c -> c.status() == Status.OUTDATED)) {
      return SOME_OUTDATED;
    }
    return checks.stream().anyMatch(c -> c.status() == Status.UNREACHABLE)
        ? io.gpux.error.ErrorCategory.UNAVAILABLE.exitCode()
        : ExitCodes.OK;
  }
}
