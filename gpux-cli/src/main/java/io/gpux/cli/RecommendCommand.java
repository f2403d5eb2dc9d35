package io.gpux.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gpux.Gpux;
import io.gpux.discover.Comparer;
import io.gpux.discover.RecommendQuery;
import io.gpux.discover.Recommendation;
import io.gpux.error.GpuxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code gpux recommend}: the best models of a task for this machine, each saying why. */
@Command(
    name = "recommend",
    description = {
      "Recommend models for a task on this machine: candidates from every configured registry"
          + " (gpux search), filtered by the constraints and ranked by the objective (default: the"
          + " most accurate; ties go to the smaller model). Latency is measured here with one"
          + " harness (candidates are pulled as needed) and kept in the index per machine"
          + " fingerprint, so asking again is instant; --no-measure estimates it from FLOPs."
          + " Accuracy is what the registries state (HF model-index, MLflow run metrics, W&B run"
          + " summary). See docs/discover.md."
    },
    footer = {
      "",
      "Exit codes: 0 done, 2 bad input (unknown task, constraints nothing meets, no registry"
          + " answered).",
      "Example: gpux recommend --task text-classification --max-latency-ms 5 --prefer latency"
    })
final class RecommendCommand implements Callable<Integer> {
  @ParentCommand GpuxCommand parent;

  @Option(names = "--task", required = true, description = "The task (e.g. text-classification).")
  String task;

  @Option(
      names = {"--registry", "-r"},
      split = ",",
      paramLabel = "NAME",
      description = "Registries to search (default: every configured one).")
  List<String> registries = new ArrayList<>();

  @Option(names = "--max-latency-ms", description = "At most this p50 latency here (batch 1).")
  Double maxLatencyMs;

  @Option(names = "--max-size", description = "At most this size: 500KB, 100MB, 2GB.")
  String maxSize;

  @Option(names = "--min-accuracy", description = "At least this stated accuracy (0.9 or 90).")
  Double minAccuracy;

  @Option(names = "--license", description = "Only models whose registry states this license.")
  String license;

  @Option(
      names = "--prefer",
      defaultValue = "accuracy",
      description = "The objective: accuracy, latency or size (default: ${DEFAULT-VALUE}).")
  String prefer;

  @Option(
      names = "--top",
      defaultValue = "3",
      description = "How many recommendations (default: ${DEFAULT-VALUE}).")
  int top;

  @Option(
      names = "--max-candidates",
      defaultValue = "20",
      description =
          "Weigh (pull, measure) at most this many candidates (default: ${DEFAULT-VALUE}).")
  int maxCandidates;

  @ArgGroup(exclusive = true)
  Measuring measuring;

  static final class Measuring {
    @Option(names = "--measure", description = "Measure latencies the index lacks (the default).")
    boolean measure;

    @Option(
        names = "--no-measure",
        description = "Measure nothing: estimate from FLOPs, calibrated on this machine.")
    boolean noMeasure;
  }

  @Option(
      names = "--runs",
      defaultValue = "50",
      description = "Timed runs of each model measured (default: ${DEFAULT-VALUE}).")
  int runs;

  @Option(
      names = "--warmup",
      defaultValue = "5",
      description = "Untimed runs first (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Override
  public Integer call() {
    long max = SizeLimit.bytes("--max-size", maxSize);
    if (runs < 1 || warmup < 0) {
      throw GpuxException.invalidInput(
          "--runs must be positive and --warmup not negative", "e.g. --runs 50 --warmup 5");
    }
    RecommendQuery q =
        new RecommendQuery(
            task,
            registries,
            maxLatencyMs == null ? -1 : maxLatencyMs,
            max,
            minAccuracy == null ? -1 : minAccuracy,
            license,
            RecommendQuery.Prefer.parse(prefer),
            top,
            maxCandidates,
            measuring == null || !measuring.noMeasure,
            new Comparer.Harness(warmup, runs));
    try (Gpux gpux = parent.gpux()) {
      ProgressRenderer progress =
          new ProgressRenderer(parent.err, !json && System.console() != null);
      Recommendation r = gpux.discover().recommend(q, progress);
      for (var f : r.failures()) {
        parent.warn(f.registry() + " did not answer: " + f.reason());
      }
      if (json) {
        parent.out.println(Json.render(toJson(r), true));
        return ExitCodes.OK;
      }
      int i = 1;
      for (Recommendation.Recommended m : r.recommendations()) {
        parent.out.println(
            i++ + ". " + m.ref() + "  (" + m.registry() + ", score " + fmt(m.score()) + ")");
        for (String why : m.reasons()) {
          parent.out.println("   - " + why);
        }
      }
      if (!r.excluded().isEmpty()) {
        parent.out.println("excluded:");
        for (Recommendation.Excluded e : r.excluded()) {
          parent.out.println("   " + e.ref() + ": " + e.why());
        }
      }
      return ExitCodes.OK;
    }
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.3f", v);
  }

  static ObjectNode toJson(Recommendation r) {
    ObjectNode o = Json.NODES.objectNode();
    ObjectNode q = o.putObject("query");
    RecommendQuery rq = r.query();
    q.put("task", r.task());
    rq.registries().forEach(q.putArray("registries")::add);
    if (rq.maxLatencyMs() > 0) {
      q.put("max_latency_ms", rq.maxLatencyMs());
    }
    if (rq.maxSizeBytes() >= 0) {
      q.put("max_size_bytes", rq.maxSizeBytes());
    }
    if (rq.minAccuracy() >= 0) {
      q.put("min_accuracy", rq.minAccuracy());
    }
    if (rq.license() != null) {
      q.put("license", rq.license());
    }
    q.put("prefer", rq.prefer().word());
    q.put("top", rq.top());
    q.put("max_candidates", rq.maxCandidates());
    q.put("measure", rq.measure());
    ObjectNode m = q.putObject("machine");
    m.put("cpu_model", r.machine().cpuModel());
    m.put("cores", r.machine().cores());
    m.put("provider", r.machine().provider());
    m.put("onnxruntime", r.machine().ortVersion());
    var recs = o.putArray("recommendations");
    for (Recommendation.Recommended x : r.recommendations()) {
      ObjectNode e = recs.addObject();
      e.put("ref", x.ref()).put("registry", x.registry()).put("task", x.task());
      e.put("score", x.score());
      if (x.latency() == null) {
        e.putNull("latency_ms");
      } else {
        e.putObject("latency_ms")
            .put("p50", x.latency().p50Ms())
            .put("p99", x.latency().p99Ms())
            .put("measured", x.latency().measured())
            .put("cached", x.latency().cached());
      }
      e.put("size_bytes", x.sizeBytes());
      if (x.accuracy() == null) {
        e.putNull("accuracy");
      } else {
        ObjectNode a = e.putObject("accuracy");
        a.put("value", x.accuracy().value())
            .put("metric", x.accuracy().metric())
            .put("source", x.accuracy().source());
        if (x.accuracy().dataset() != null) {
          a.put("dataset", x.accuracy().dataset());
        }
      }
      x.reasons().forEach(e.putArray("reasons")::add);
    }
    var ex = o.putArray("excluded");
    for (Recommendation.Excluded x : r.excluded()) {
      ex.addObject().put("ref", x.ref()).put("why", x.why());
    }
    return o;
  }
}
