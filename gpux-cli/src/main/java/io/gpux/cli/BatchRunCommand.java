package io.gpux.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gpux.Gpux;
import io.gpux.batch.BatchJob;
import io.gpux.batch.BatchRunOptions;
import io.gpux.batch.BatchRunReport;
import io.gpux.batch.BatchRunner;
import io.gpux.batch.JobsFile;
import io.gpux.batch.ModelList;
import io.gpux.batch.ModelSummary;
import io.gpux.batch.SessionBudget;
import io.gpux.batch.Shard;
import io.gpux.error.GpuxException;
import io.gpux.units.ByteSizes;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code gpux batch run}: every model of a list over every line of a JSONL file. */
@Command(
    name = "run",
    description = "Run many models over a JSONL file of inputs, results streamed as JSONL.",
    footer = {
      "",
      "Each result line: {\"model\": REF, \"line\": N, \"outputs\": {...}} (the outputs",
      "`gpux run --json` prints for that input) or {\"model\": REF, \"line\": N, \"error\": ...}.",
      "The summary goes to standard error when the results stream on standard output.",
      "Exit codes: 0 every line answered, 1 some lines or models failed (the others are",
      "written), 2 bad input (nothing runs).",
      "Examples:",
      "  gpux batch run -f models.txt --input data.jsonl -o results.jsonl",
      "  gpux batch run jobs.yml --jobs 8 --max-memory 8g",
      "  gpux batch run -f models.txt --input data.jsonl -o part-0.jsonl --shard 0/4",
      "  gpux batch run -f models.txt --input data.jsonl -o results.jsonl --resume",
      "See docs/batch.md."
    })
final class BatchRunCommand implements Callable<Integer> {
  @ParentCommand BatchCommand batch;

  @Parameters(
      arity = "0..*",
      paramLabel = "JOBS.yml|MODEL",
      description =
          "A JOBS.yml (each job a model, an input file and an output file), or models to run"
              + " ([registry:]name[@version], project folders, .onnx files).")
  List<String> args = List.of();

  @Mixin ModelListOptions list;

  @Option(
      names = {"-i", "--input"},
      paramLabel = "DATA.jsonl",
      description = "Inputs: one JSON object per line, as `gpux run --input` takes.")
  Path input;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "RESULTS.jsonl",
      description = "Write the result lines to a file (default: standard output).")
  Path output;

  @Option(
      names = {"-j", "--jobs"},
      paramLabel = "N",
      defaultValue = "" + BatchRunOptions.DEFAULT_JOBS,
      description = "Models running at once (default: ${DEFAULT-VALUE}).")
  int jobs;

  @Option(
      names = "--max-memory",
      paramLabel = "SIZE",
      description =
          "What open sessions may hold together, e.g. 8g (default: half the machine's memory)."
              + " A session is estimated at twice its model's files plus 8 MiB.")
  String maxMemory;

  @Option(
      names = "--batch-size",
      paramLabel = "ROWS",
      defaultValue = "" + BatchRunOptions.DEFAULT_MAX_BATCH_ROWS,
      description =
          "Rows one model call may join from several lines (default: ${DEFAULT-VALUE}; 1 runs"
              + " each line alone).")
  int batchSize;

  @Option(names = "--resume", description = "Skip model/line pairs already in the output file.")
  boolean resume;

  @Option(
      names = "--shard",
      paramLabel = "I/N",
      description =
          "Take the I-th of N slices of the work by model and line (0-based, as Kubernetes'"
              + " JOB_COMPLETION_INDEX).")
  String shard;

  @Option(
      names = "--no-pull",
      description = "Do not pull registry models missing from the store (their lines fail).")
  boolean noPull;

  @Option(names = "--json", description = "Print the summary as JSON.")
  boolean json;

  @Option(
      names = {"-q", "--quiet"},
      description = "No per-model summary table (errors are still reported).")
  boolean quiet;

  @Mixin HistoryOptions history;

  @Mixin RuntimeMixin runtime;

  @Override
  public Integer call() {
    GpuxCommand root = batch.parent;
    BatchRunOptions options = options();
    try (Gpux gpux = root.gpux()) {
      List<BatchJob> work = jobs(gpux, root);
      BatchRunReport report =
          gpux.batch()
              .run(
                  work,
                  options,
                  root.out,
                  new BatchRunner.Listener() {
                    @Override
                    public void finished(ModelSummary s) {
                      if (s.error() != null) {
                        root.err.println("gpux: " + s.model() + ": " + s.error());
                      }
                    }
                  });
      history.keep(gpux, rows(gpux, report), "batch run", root.err);
      // The summary must not land among results streamed on standard output.
      boolean resultsOnStdout = work.stream().anyMatch(j -> j.output() == null);
      PrintWriter to = resultsOnStdout ? root.err : root.out;
      if (json) {
        to.println(Json.render(summaryJson(report), true));
      } else if (!quiet) {
        printTable(report, to);
      }
      return report.errors() == 0 ? ExitCodes.OK : 1;
    }
  }

  /** What the history keeps: each model that ran, its calls' latencies at its mean batch. */
  private static List<io.gpux.index.BenchmarkTables.BenchmarkRow> rows(
      Gpux gpux, BatchRunReport report) {
    List<io.gpux.index.BenchmarkTables.BenchmarkRow> rows = new ArrayList<>();
    for (ModelSummary s : report.models()) {
      if (s.stats() != null && s.provider() != null) {
        rows.add(
            gpux.monitor()
                .measurement(
                    s.model(), s.modelFile(), s.provider(), s.meanBatchRows(), 0, s.stats()));
      }
    }
    return rows;
  }

  private BatchRunOptions options() {
    long memory =
        maxMemory == null
            ? SessionBudget.defaultLimit()
            : ByteSizes.parse(maxMemory)
                .orElseThrow(
                    () ->
                        GpuxException.invalidInput(
                            "--max-memory " + maxMemory + " is not a size",
                            "write e.g. 512m, 8g or 2147483648"));
    Shard slice = shard == null ? Shard.ALL : Shard.parse(shard);
    return new BatchRunOptions(
        jobs, memory, batchSize, !noPull, resume, key -> slice.owns(key), runtime.options());
  }

  /** A JOBS.yml, or the models of the list times the one input file. */
  private List<BatchJob> jobs(Gpux gpux, GpuxCommand root) {
    Path cwd = root.workingDirectory;
    if (args.size() == 1 && isJobsFile(args.get(0))) {
      if (input != null || output != null || !list.files.isEmpty() || !list.lockfiles.isEmpty()) {
        throw GpuxException.invalidInput(
            "a JOBS.yml names each job's model, input and output: --input, --output, -f and"
                + " --locked do not go with it",
            "put them in " + args.get(0) + ", or leave out the JOBS.yml");
      }
      return JobsFile.read(cwd.resolve(args.get(0)));
    }
    if (input == null) {
      throw GpuxException.invalidInput(
          "batch run needs inputs: --input DATA.jsonl, or a JOBS.yml",
          "e.g. gpux batch run -f models.txt --input data.jsonl -o results.jsonl");
    }
    ModelList models = list.read(gpux, args, root);
    if (models.entries().isEmpty()) {
      throw GpuxException.invalidInput(
          "no models to run", "name them as arguments, with -f FILE or with --locked gpux.lock");
    }
    Path in = cwd.resolve(input);
    Path out = output == null ? null : cwd.resolve(output);
    List<BatchJob> work = new ArrayList<>();
    for (ModelList.Entry e : models.entries()) {
      work.add(new BatchJob(e.text(), in, out));
    }
    return work;
  }

  private static boolean isJobsFile(String arg) {
    String lower = arg.toLowerCase(Locale.ROOT);
    return lower.endsWith(".yml") || lower.endsWith(".yaml");
  }

  static ObjectNode summaryJson(BatchRunReport report) {
    ObjectNode o = Json.NODES.objectNode();
    ArrayNode models = o.putArray("models");
    for (ModelSummary s : report.models()) {
      ObjectNode m = models.addObject();
      m.put("model", s.model());
      m.put("lines", s.lines());
      m.put("errors", s.errors());
      m.put("skipped", s.skipped());
      m.put("calls", s.calls());
      m.put("p50_ms", s.p50Ms());
      m.put("p99_ms", s.p99Ms());
      m.put("provider", s.provider());
      m.put("seconds", s.seconds());
      if (s.error() != null) {
        m.put("error", s.error());
      }
    }
    ObjectNode sum = o.putObject("summary");
    sum.put("models", report.models().size());
    sum.put("lines", report.lines());
    sum.put("errors", report.errors());
    sum.put("skipped", report.models().stream().mapToInt(ModelSummary::skipped).sum());
    sum.put("peak_sessions", report.peakSessions());
    sum.put("seconds", report.seconds());
    return o;
  }

  private static void printTable(BatchRunReport report, PrintWriter to) {
    TextTable t = new TextTable("MODEL", "LINES", "ERRORS", "SKIPPED", "P50", "P99", "PROVIDER");
    for (ModelSummary s : report.models()) {
      t.row(
          s.model(),
          s.lines(),
          s.errors(),
          s.skipped(),
          RunCommand.ms(s.p50Ms()),
          RunCommand.ms(s.p99Ms()),
          s.provider() == null ? "-" : s.provider());
    }
    t.print(to, "");
    to.printf(
        Locale.ROOT,
        "%d models, %d lines, %d errors in %.1f s (at most %d sessions open)%n",
        report.models().size(),
        report.lines(),
        report.errors(),
        report.seconds(),
        report.peakSessions());
  }
}
