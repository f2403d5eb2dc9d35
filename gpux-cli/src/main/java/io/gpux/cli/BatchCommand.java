package io.gpux.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code gpux batch}: a parent of the commands that work on many models at once. */
@Command(
    name = "batch",
    description = "Work on many models at once: pull, run or benchmark a list of them.",
    subcommands = {BatchPullCommand.class, BatchRunCommand.class, BatchBenchmarkCommand.class},
    footer = {
      "",
      "A list: references as arguments, -f FILE (one per line, # comments), - (standard",
      "input) or --locked gpux.lock. Each model is listed once; a line that is not a",
      "reference is refused with its line number (or skipped with --skip-invalid).",
      "Examples:",
      "  gpux batch pull -f models.txt --jobs 8",
      "  gpux batch pull --locked gpux.lock --json",
      "  gpux batch run -f models.txt --input data.jsonl -o results.jsonl",
      "  gpux batch benchmark -f models.txt",
      "See docs/batch.md."
    })
final class BatchCommand implements Runnable {
  @ParentCommand GpuxCommand parent;

  @Spec CommandSpec spec;

  /** {@code gpux batch} alone prints its usage (exit 0), as {@code gpux} alone does. */
  @Override
  public void run() {
    spec.commandLine().usage(parent.out);
  }
}
