package io.gpux.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gpux.Gpux;
import io.gpux.discover.ComparedModel;
import io.gpux.discover.Comparer;
import io.gpux.discover.ModelComparison;
import io.gpux.units.ByteSizes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code gpux compare}: models side by side, the best value of each row marked. */
@Command(
    name = "compare",
    description = {
      "Compare models side by side: a column per model, the best value of each row marked *.",
      "Registry and exact version, size, parameters, IR version and opset, operators and those"
          + " the execution provider refuses, inputs and outputs (and which model can replace"
          + " which), license, task, labels, and the quality figures the registries state (HF"
          + " model-index, MLflow run metrics, W&B run summary) with their source. Models missing"
          + " from the store are pulled. --measure times each one on this machine with the same"
          + " harness as run --benchmark (docs/discover.md)."
    },
    footer = {
      "",
      "Exit codes: 0 done, 2 bad input.",
      "Example: gpux compare hf:acme/digits mlflow:digits/2 --measure"
    })
final class CompareCommand implements Callable<Integer> {
  @ParentCommand GpuxCommand parent;

  @Parameters(
      arity = "0..*",
      paramLabel = "REF",
      description = "Models: registry references, stored models or project folders.")
  List<String> references = new ArrayList<>();

  @Option(
      names = "--measure",
      description =
          "Also measure p50/p99 latency, throughput (batch 1 and the model's batch size)"
              + " and peak memory here.")
  boolean measure;

  @Mixin BenchmarkOptions timing;

  @Mixin HistoryOptions history;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Option(
      names = "--collection",
      paramLabel = "NAME",
      description = "Also compare every model of a collection.")
  String collection;

  @Override
  public Integer call() {
    try (Gpux gpux = parent.gpux()) {
      ProgressRenderer progress =
          new ProgressRenderer(parent.err, !json && System.console() != null);
      ModelComparison c =
          gpux.discover()
              .compare(
                  collection == null
                      ? references
                      : CollectionOptions.with(gpux, references, collection, false),
                  measure ? new Comparer.Harness(timing.warmup, timing.runs) : null,
                  progress);
      if (measure) {
        history.keep(gpux, measured(gpux, c), "compare --measure", parent.err);
      }
      if (json) {
        parent.out.println(Json.render(toJson(c), true));
        return ExitCodes.OK;
      }
      List<String> header = new ArrayList<>(List.of(""));
      c.models().forEach(m -> header.add(m.reference()));
      TextTable t = new TextTable(header.toArray(String[]::new));
      for (ModelComparison.Row r : c.rows()) {
        if (r.values().stream().allMatch(v -> v == null)) {
          continue;
        }
        List<Object> cells = new ArrayList<>();
        cells.add(r.source() == null ? r.key() : r.key() + " [" + r.source() + "]");
        for (int i = 0; i < r.values().size(); i++) {
          String cell = cell(r.key(), r.values().get(i));
          cells.add(r.best().contains(i) ? cell + " *" : cell);
        }
        t.row(cells.toArray());
      }
      t.print(parent.out, "");
      return ExitCodes.OK;
    }
  }

  /** What the history keeps of --measure: each model at batch 1 and at its own batch size. */
  private List<io.gpux.index.BenchmarkTables.BenchmarkRow> measured(Gpux gpux, ModelComparison c) {
    List<io.gpux.index.BenchmarkTables.BenchmarkRow> rows = new ArrayList<>();
    for (ComparedModel m : c.models()) {
      ComparedModel.Measurement x = m.measurement();
      if (x == null) {
        continue;
      }
      rows.add(
          gpux.monitor()
              .measurement(m.reference(), null, x.provider(), 1, timing.warmup, x.batchOne()));
      if (x.atBatch() != null && x.batchSize() != 1) {
        rows.add(
            gpux.monitor()
                .measurement(
                    m.reference(), null, x.provider(), x.batchSize(), timing.warmup, x.atBatch()));
      }
    }
    return rows;
  }

  private static String cell(String key, Object v) {
    if (v == null) {
      return "-";
    }
    if (key.endsWith("_bytes") && v instanceof Number n) {
      return ByteSizes.human(n.longValue());
    }
    if (v instanceof Double d) {
      return String.format(Locale.ROOT, d >= 100 ? "%.1f" : "%.4g", d);
    }
    if (v instanceof List<?> l) {
      return l.isEmpty() ? "none" : String.join(" ", l.stream().map(String::valueOf).toList());
    }
    return String.valueOf(v);
  }

  static ObjectNode toJson(ModelComparison c) {
    ObjectNode o = Json.NODES.objectNode();
    ArrayNode models = o.putArray("models");
    for (ComparedModel m : c.models()) {
      ObjectNode mo = models.addObject();
      mo.put("reference", m.reference()).put("registry", m.registry()).put("version", m.version());
      mo.put("size_bytes", m.sizeBytes()).put("parameters", m.parameters());
      mo.put("ir_version", m.irVersion()).put("opset", m.opset()).put("operators", m.nodes());
      var ops = mo.putObject("operator_counts");
      m.operators().forEach(ops::put);
      m.unsupported().forEach(mo.putArray("unsupported_operators")::add);
      mo.put("provider", m.provider()).put("load_error", m.loadError());
      mo.put("license", m.license()).put("task", m.task());
      var figures = mo.putArray("figures");
      for (ComparedModel.Figure f : m.figures()) {
        figures
            .addObject()
            .put("metric", f.metric())
            .put("value", f.value())
            .put("dataset", f.dataset())
            .put("source", f.source());
      }
      if (m.measurement() != null) {
        ComparedModel.Measurement x = m.measurement();
        ObjectNode mm = mo.putObject("measurement").put("provider", x.provider());
        mm.put("batch_size", x.batchSize()).put("peak_memory_bytes", x.peakMemoryBytes());
        stats(mm.putObject("batch_1"), x.batchOne(), 1);
        if (x.atBatch() != null) {
          stats(mm.putObject("batch_" + x.batchSize()), x.atBatch(), x.batchSize());
        }
      }
    }
    ArrayNode rows = o.putArray("rows");
    for (ModelComparison.Row r : c.rows()) {
      ObjectNode ro = rows.addObject().put("key", r.key());
      if (r.source() != null) {
        ro.put("source", r.source());
      }
      ArrayNode values = ro.putArray("values");
      r.values().forEach(v -> values.add(node(v)));
      r.best().forEach(ro.putArray("best")::add);
    }
    ObjectNode replace = o.putObject("replaceable");
    c.replaceable().forEach((k, v) -> v.forEach(replace.putArray(k)::add));
    return o;
  }

  private static void stats(ObjectNode o, io.gpux.benchmark.LatencyStats s, long batch) {
    o.put("p50_ms", s.medianMs()).put("p99_ms", s.p99Ms()).put("mean_ms", s.meanMs());
    o.put("throughput_per_s", s.throughputPerSecond());
    o.put("rows_per_s", s.throughputPerSecond() * batch);
  }

  private static JsonNode node(Object v) {
    if (v == null) {
      return Json.NODES.nullNode();
    }
    if (v instanceof Long || v instanceof Integer) {
      return Json.NODES.numberNode(((Number) v).longValue());
    }
    if (v instanceof Number n) {
      return Json.NODES.numberNode(n.doubleValue());
    }
    if (v instanceof List<?> l) {
      ArrayNode a = Json.NODES.arrayNode();
      l.forEach(e -> a.add(node(e)));
      return a;
    }
    return Json.NODES.textNode(String.valueOf(v));
  }
}
