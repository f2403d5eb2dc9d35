package io.gpux.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gpux.benchmark.Benchmark;
import io.gpux.benchmark.LatencyStats;
import io.gpux.inference.InferenceModel;
import io.gpux.tensor.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code gpux run}: one prediction, or a benchmark. */
@Command(
    name = "run",
    description = "Run a model on JSON inputs (or text, for models with a tokenizer).",
    footer = {
      "",
      "Examples:",
      "  gpux run examples/digits --file examples/digits/sample.json",
      "  gpux run ./my-model --input '{\"x\": [[1.0, 2.0, 3.0]]}'",
      "  gpux run examples/minilm --input '{\"text\": [\"a sentence\", \"another\"]}'",
      "  gpux run examples/digits --file examples/digits/batch.json --benchmark --runs 200"
    })
final class RunCommand implements Callable<Integer> {
  @ParentCommand GpuxCommand parent;

  @Parameters(
      index = "0",
      paramLabel = "MODEL",
      description = "Project folder, gpux.yml, .onnx file or project name.")
  String model;

  @ArgGroup(exclusive = true, multiplicity = "1")
  InputSource input;

  static final class InputSource {
    @Option(
        names = {"-i", "--input"},
        paramLabel = "JSON",
        description = "Inputs as a JSON object, or @FILE to read one from FILE.")
    String json;

    @Option(
        names = {"-f", "--file"},
        paramLabel = "FILE",
        description = "A JSON file of inputs; - reads standard input.")
    String file;
  }

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FILE",
      description = "Write the result to FILE instead of standard output.")
  Path output;

  @Option(names = "--json", description = "One-line JSON on standard output (for scripts).")
  boolean json;

  @Option(names = "--benchmark", description = "Time repeated runs instead of printing outputs.")
  boolean benchmark;

  @Mixin BenchmarkOptions timing;

  @Mixin HistoryOptions history;

  @Option(
      names = {"-q", "--quiet"},
      description = "Do not print the provider line on standard error.")
  boolean quiet;

  @Option(
      names = "--no-pull",
      description =
          "Do not pull a registry model that is not in the store (the default pulls it, like docker run).")
  boolean noPull;

  @Mixin RuntimeMixin runtime;

  @Override
  public Integer call() throws IOException {
    JsonNode request = Json.parse(readInput(), input.json != null ? "--input" : "the input file");
    try (var gpux = parent.gpux()) {
      pullIfMissing(gpux);
      InferenceModel loaded = gpux.load(model, runtime.options());
      loaded.project().warnings().forEach(w -> parent.warn(String.valueOf(w)));
      if (!quiet) {
        parent.err.println("gpux: " + loaded.provider().summary());
      }
      Map<String, Tensor> feeds = loaded.toTensors(request);
      String text;
      if (benchmark) {
        LatencyStats stats = Benchmark.run(timing.warmup, timing.runs, () -> loaded.run(feeds));
        long rows = batchSize(feeds);
        history.keep(
            gpux,
            java.util.List.of(
                gpux.monitor()
                    .measurement(
                        model,
                        loaded.project().modelFile().toString(),
                        loaded.provider().chosen().ortName(),
                        rows,
                        timing.warmup,
                        stats)),
            "run --benchmark",
            parent.err);
        text =
            json || output != null
                ? Json.render(statsJson(loaded, stats, rows), json)
                : table(stats, loaded, rows);
      } else {
        ObjectNode result = loaded.label(loaded.run(feeds)).toJson();
        text = Json.render(result, json);
      }
      if (output != null) {
        Json.writeFile(parent.workingDirectory.resolve(output), text + "\n");
        parent.err.println("gpux: wrote " + output);
      } else {
        parent.out.println(text);
      }
    }
    return ExitCodes.OK;
  }

  /** {@code gpux run hf:org/model} pulls the model first when the store does not have it. */
  private void pullIfMissing(io.gpux.Gpux gpux) {
    if (noPull || !gpux.models().needsPull(model)) {
      return;
    }
    parent.err.println(
        "gpux: "
            + model
            + " is not in the store; pulling it into workspace "
            + gpux.workspaces().current());
    gpux.models()
        .pull(
            model,
            io.gpux.registry.PullOptions.defaults(),
            new ProgressRenderer(parent.err, System.console() != null));
  }

  private String readInput() throws IOException {
    if (input.json != null) {
      if (input.json.startsWith("@")) {
        return Json.readFile(
            parent.workingDirectory.resolve(input.json.substring(1)), "input file");
      }
      return input.json;
    }
    if ("-".equals(input.file)) {
      return new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
    }
    return Json.readFile(parent.workingDirectory.resolve(input.file), "input file");
  }

  /**
   * Rows (samples) one run computes: the first dimension of the inputs, which every input shares
   * when the model is batched; 1 for inputs without dimensions.
   */
  static long batchSize(Map<String, Tensor> feeds) {
    return io.gpux.tensor.TensorRows.leadingRows(feeds);
  }

  private ObjectNode statsJson(InferenceModel m, LatencyStats s, long rows) {
    ObjectNode o = Json.NODES.objectNode();
    o.put("model", m.project().name());
    o.put("provider", m.provider().chosen().ortName());
    o.put("runs", s.runs());
    o.put("warmup", timing.warmup);
    o.put("mean_ms", s.meanMs());
    o.put("std_ms", s.stdMs());
    o.put("median_ms", s.medianMs());
    o.put("p95_ms", s.p95Ms());
    o.put("p99_ms", s.p99Ms());
    o.put("min_ms", s.minMs());
    o.put("max_ms", s.maxMs());
    o.put("batch_size", rows);
    o.put("throughput_per_s", s.throughputPerSecond());
    o.put("rows_per_s", s.throughputPerSecond() * rows);
    return o;
  }

  private String table(LatencyStats s, InferenceModel m, long rows) {
    java.io.StringWriter sw = new java.io.StringWriter();
    java.io.PrintWriter pw = new java.io.PrintWriter(sw);
    pw.printf(
        Locale.ROOT,
        "%s: %d runs of batch size %d after %d warm-up on %s%n",
        m.project().name(),
        s.runs(),
        rows,
        timing.warmup,
        m.provider().chosen().ortName());
    new TextTable("METRIC", "VALUE")
        .row("mean", ms(s.meanMs()))
        .row("median", ms(s.medianMs()))
        .row("p95", ms(s.p95Ms()))
        .row("p99", ms(s.p99Ms()))
        .row("min", ms(s.minMs()))
        .row("max", ms(s.maxMs()))
        .row("std", ms(s.stdMs()))
        .row(
            "throughput",
            String.format(
                Locale.ROOT,
                "%.1f runs/s, %.1f rows/s (batch size %d)",
                s.throughputPerSecond(),
                s.throughputPerSecond() * rows,
                rows))
        .print(pw, "  ");
    pw.flush();
    return sw.toString().stripTrailing();
  }

  static String ms(double v) {
    return String.format(Locale.ROOT, "%.3f ms", v);
  }
}
