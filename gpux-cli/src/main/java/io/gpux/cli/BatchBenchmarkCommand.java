package io.gpux.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gpux.Gpux;
import io.gpux.batch.BatchBenchmark;
import io.gpux.batch.ModelList;
import io.gpux.benchmark.LatencyStats;
import io.gpux.error.GpuxException;
import io.gpux.index.BenchmarkTables;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code gpux batch benchmark}: {@code run --benchmark} over a list of models, one table. */
@Command(
    name = "benchmark",
    description = "Benchmark many models as `gpux run --benchmark` does; print one table.",
    footer = {
      "",
      "Models run one after another (so they do not compete for the cores they are timed",
      "on), each on zeros shaped by its inputs (dynamic dimensions 1) unless --input gives",
      "the inputs. Every measurement is kept in the monitoring history (--no-history: not).",
      "Exit codes: 0 every model timed, 1 some failed (the others are timed), 2 bad input.",
      "Examples:",
      "  gpux batch benchmark -f models.txt",
      "  gpux batch benchmark -f models.txt --runs 200 --json",
      "  gpux batch benchmark examples/digits --batch-sizes 1,8,32",
      "See docs/batch.md."
    })
final class BatchBenchmarkCommand implements Callable<Integer> {
  @ParentCommand BatchCommand batch;

  @Parameters(
      arity = "0..*",
      paramLabel = "MODEL",
      description = "Models to time ([registry:]name[@version], project folders, .onnx files).")
  List<String> references = List.of();

  @Mixin ModelListOptions list;

  @Option(
      names = {"-i", "--input"},
      paramLabel = "FILE",
      description = "A JSON file of inputs for every model (default: zeros per model).")
  Path input;

  @Mixin BenchmarkOptions timing;

  @Option(
      names = "--batch-sizes",
      paramLabel = "N,N...",
      split = ",",
      description =
          "Time each model at these batch sizes (rows per call), e.g. 1,8,32: its batch curve,"
              + " from which gpux insights estimates what larger batches would gain (default: the"
              + " inputs as they are).")
  List<Long> batchSizes = List.of();

  @Mixin HistoryOptions history;

  @Option(
      names = "--no-pull",
      description = "Do not pull registry models missing from the store (they fail).")
  boolean noPull;

  @Option(names = "--json", description = "Print the results as JSON.")
  boolean json;

  @Mixin RuntimeMixin runtime;

  @Override
  public Integer call() {
    GpuxCommand root = batch.parent;
    JsonNode inputs =
        input == null
            ? null
            : Json.parse(
                Json.readFile(root.workingDirectory.resolve(input), "input file"),
                "the input file");
    BatchBenchmark.Options options =
        new BatchBenchmark.Options(
            timing.warmup, timing.runs, inputs, !noPull, runtime.options(), batchSizes);
    try (Gpux gpux = root.gpux()) {
      ModelList models = list.read(gpux, references, root);
      if (models.entries().isEmpty()) {
        throw GpuxException.invalidInput(
            "no models to benchmark",
            "name them as arguments, with -f FILE or with --locked gpux.lock");
      }
      List<BatchBenchmark.Result> results =
          gpux.batch()
              .benchmark(
                  models.entries().stream().map(ModelList.Entry::text).toList(),
                  options,
                  r -> {
                    if (r.error() != null) {
                      root.err.println("gpux: " + r.model() + ": " + r.error());
                    } else {
                      history.keep(gpux, List.of(row(gpux, r)), "batch benchmark", root.err);
                    }
                  });
      if (json) {
        root.out.println(Json.render(resultsJson(results), true));
      } else {
        printTable(results, root.out);
      }
      return results.stream().allMatch(r -> r.error() == null) ? ExitCodes.OK : 1;
    }
  }

  private BenchmarkTables.BenchmarkRow row(Gpux gpux, BatchBenchmark.Result r) {
    return gpux.monitor()
        .measurement(
            r.model(),
            r.modelFile() == null ? null : r.modelFile().toString(),
            r.provider(),
            r.batchSize(),
            timing.warmup,
            r.stats());
  }

  private static ObjectNode resultsJson(List<BatchBenchmark.Result> results) {
    ObjectNode o = Json.NODES.objectNode();
    ArrayNode models = o.putArray("models");
    for (BatchBenchmark.Result r : results) {
      ObjectNode m = models.addObject();
      m.put("model", r.model());
      m.put("provider", r.provider());
      if (r.error() != null) {
        m.put("error", r.error());
        continue;
      }
      LatencyStats s = r.stats();
      m.put("batch_size", r.batchSize());
      m.put("runs", s.runs());
      m.put("mean_ms", s.meanMs());
      m.put("median_ms", s.medianMs());
      m.put("p95_ms", s.p95Ms());
      m.put("p99_ms", s.p99Ms());
      m.put("min_ms", s.minMs());
      m.put("max_ms", s.maxMs());
      m.put("throughput_per_s", s.throughputPerSecond());
    }
    return o;
  }

  private static void printTable(List<BatchBenchmark.Result> results, java.io.PrintWriter out) {
    TextTable t = new TextTable("MODEL", "PROVIDER", "BATCH", "MEDIAN", "P95", "P99", "THROUGHPUT");
    for (BatchBenchmark.Result r : results) {
      if (r.error() != null) {
        t.row(r.model(), "-", "-", "failed", "-", "-", "-");
        continue;
      }
      LatencyStats s = r.stats();
      t.row(
          r.model(),
          r.provider(),
          r.batchSize(),
          RunCommand.ms(s.medianMs()),
          RunCommand.ms(s.p95Ms()),
          RunCommand.ms(s.p99Ms()),
          String.format(Locale.ROOT, "%.1f runs/s", s.throughputPerSecond()));
    }
    t.print(out, "");
  }
}
