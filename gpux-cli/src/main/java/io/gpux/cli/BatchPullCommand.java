package io.gpux.cli;

import io.gpux.Gpux;
import io.gpux.batch.ModelList;
import io.gpux.error.GpuxException;
import io.gpux.pull.PullResult;
import io.gpux.registry.PullOptions;
import io.gpux.transfer.TransferListener;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code gpux batch pull}: many models into the store at once. */
@Command(
    name = "pull",
    description = "Pull many models into the store at once, sharing one transfer engine.",
    footer = {
      "",
      "Exit codes: 0 every model pulled or already current, 1 some failed (the others",
      "are pulled), 2 a bad list (nothing is pulled).",
      "Examples:",
      "  gpux batch pull hf:org/a hf:org/b@v2 mlflow:clf/3",
      "  gpux batch pull -f models.txt --jobs 8",
      "  cat models.txt | gpux batch pull -",
      "  gpux batch pull --locked gpux.lock --json"
    })
final class BatchPullCommand implements Callable<Integer> {
  @ParentCommand BatchCommand batch;

  @Parameters(
      arity = "0..*",
      paramLabel = "REFERENCE",
      description = "Models to pull ([registry:]name[@version]); - reads a list from stdin.")
  List<String> references = List.of();

  @Mixin ModelListOptions list;

  @Option(
      names = "--fail-fast",
      description = "Stop starting models at the first failure (the others are reported).")
  boolean failFast;

  @Option(names = "--json", description = "Print the result as JSON.")
  boolean json;

  @Override
  public Integer call() {
    GpuxCommand root = batch.parent;
    try (Gpux gpux = root.gpux()) {
      ModelList models = list.read(gpux, references, root);
      int failed = 0;
      for (ModelList.Entry e : models.entries()) {
        try {
          PullResult r =
              gpux.models().pull(e.text(), PullOptions.defaults(), TransferListener.NONE);
          root.out.println(
              (r.alreadyPresent() ? "current " : "pulled  ")
                  + gpux.models().exactReference(r.manifest()));
        } catch (GpuxException ex) {
          failed++;
          root.out.println("failed  " + e.text() + ": " + ex.problem());
          if (failFast) {
            break;
          }
        }
      }
      return failed == 0 ? ExitCodes.OK : 1;
    }
  }
}
