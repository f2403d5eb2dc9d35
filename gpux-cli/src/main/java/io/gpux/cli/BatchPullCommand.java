package io.gpux.cli;

import io.gpux.Gpux;
import io.gpux.batch.BatchPullOptions;
import io.gpux.batch.BatchPullReport;
import io.gpux.batch.ModelList;
import io.gpux.batch.ModelOutcome;
import io.gpux.units.ByteSizes;
import java.util.List;
import java.util.Locale;
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
      "Models the store has are skipped (at most one metadata request each, none with",
      "--locked); an interrupted batch run again resumes partial files.",
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
      names = {"-j", "--jobs"},
      paramLabel = "N",
      description =
          "Models in flight at once (default: "
              + BatchPullOptions.DEFAULT_JOBS
              + ", the connections allowed per host).")
  int jobs = BatchPullOptions.DEFAULT_JOBS;

  @Option(
      names = "--fail-fast",
      description = "Start no model after the first failure (the rest are reported).")
  boolean failFast;

  @Option(
      names = {"-q", "--quiet"},
      description = "No live view: one plain line per finished model.")
  boolean quiet;

  @Option(names = "--json", description = "Print the result as JSON.")
  boolean json;

  @Option(
      names = "--shard",
      paramLabel = "I/N",
      description =
          "Pull only the I-th of N slices of the list, by model (0-based, as Kubernetes'"
              + " JOB_COMPLETION_INDEX).")
  String shard;

  @Override
  public Integer call() {
    GpuxCommand root = batch.parent;
    BatchPullOptions options = new BatchPullOptions(jobs, failFast);
    try (Gpux gpux = root.gpux()) {
      ModelList models = list.read(gpux, references, root);
      if (shard != null) {
        models = models.shard(io.gpux.batch.Shard.parse(shard));
      }
      BatchProgress progress =
          new BatchProgress(
              json ? new java.io.PrintWriter(java.io.Writer.nullWriter()) : root.err,
              !json && !quiet && System.console() != null,
              models.size());
      BatchPullReport report;
      try {
        report = gpux.batch().pull(models, options, progress);
      } finally {
        progress.close();
      }
      if (json) {
        root.out.println(Json.render(json(report), true));
      } else {
        summary(report, root.out);
      }
      return report.succeeded() ? ExitCodes.OK : 1;
    }
  }

  /** The schema docs/batch.md gives: models in list order, then the totals. */
  static com.fasterxml.jackson.databind.node.ObjectNode json(BatchPullReport report) {
    var o = Json.NODES.objectNode();
    var models = o.putArray("models");
    for (ModelOutcome m : report.models()) {
      models
          .addObject()
          .put("ref", m.model().text())
          .put("status", m.status().word())
          .put("version", m.version())
          .put("bytes", m.bytes())
          .put("seconds", round(m.seconds()))
          .put("error", m.error());
    }
    o.putObject("summary")
        .put("pulled", report.count(ModelOutcome.Status.PULLED))
        .put("current", report.count(ModelOutcome.Status.CURRENT))
        .put("failed", report.count(ModelOutcome.Status.FAILED))
        .put("bytes", report.bytes())
        .put("seconds", round(report.seconds()));
    return o;
  }

  private static double round(double seconds) {
    return Math.round(seconds * 1000) / 1000.0;
  }

  /** {@code 120 models: 117 pulled, 1 current, 2 failed; 245.3 MB in 12.4 s}, then the failures. */
  private static void summary(BatchPullReport r, java.io.PrintWriter out) {
    out.printf(
        Locale.ROOT,
        "%d models: %d pulled, %d current, %d failed; %s in %.1f s%n",
        r.models().size(),
        r.count(ModelOutcome.Status.PULLED),
        r.count(ModelOutcome.Status.CURRENT),
        r.count(ModelOutcome.Status.FAILED),
        ByteSizes.human(r.bytes()),
        r.seconds());
    List<ModelOutcome> failures = r.failures();
    if (!failures.isEmpty()) {
      out.println("Failed:");
      for (ModelOutcome f : failures) {
        out.println("  " + f.model().text() + " (" + f.model().where() + "): " + f.error());
        if (f.hint() != null) {
          out.println("    hint: " + f.hint());
        }
      }
      out.println("Run the same command again to retry them: finished models are skipped.");
    }
  }
}
