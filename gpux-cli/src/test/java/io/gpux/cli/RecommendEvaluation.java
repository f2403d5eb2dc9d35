package io.gpux.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.gpux.Gpux;
import io.gpux.benchmark.Benchmark;
import io.gpux.benchmark.LatencyStats;
import io.gpux.inference.InferenceModel;
import io.gpux.runtime.RuntimeOptions;
import io.gpux.tensor.TensorRows;
import io.gpux.testing.OnnxModelBuilder;
import io.gpux.testing.OnnxModels;
import io.gpux.testing.hf.FakeHfHub;
import io.gpux.testing.hf.FakeRepo;
import io.gpux.testing.mlflow.MlflowModels;
import io.gpux.testing.mlflow.MlflowServer;
import io.gpux.testing.wandb.FakeWandb;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The labelled evaluation of {@code gpux recommend} (issue 16): a catalogue of generated MLPs whose
 * size and latency differ by design (width and depth drawn per model), spread over the Hugging Face
 * test hub, a real MLflow server and the W&amp;B test server, each stating the task and the
 * accuracy where that registry's users state them; queries drawn from the same seed; the ground
 * truth of each query computed by measuring every model with the same harness here and applying the
 * constraints and the objective. Prints top-1 and top-3 accuracy and the failures. A seed builds
 * another catalogue and query set the same way (a held-out set). Run by {@code
 * bench/recommend-eval.sh}; {@code RecommendEvaluationTest} runs a small one.
 */
public final class RecommendEvaluation {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String WANDB_KEY = "local-evalKey0123456789abcdefghijklmnopqrstuv";
  private static final String[] TASKS = {
    "tabular-classification", "tabular-regression", "time-series-forecasting"
  };
  private static final String[] REGISTRIES = {"hf", "mlflow", "wandb"};

  /** One model of the catalogue, as its registry states it. */
  record Model(
      String ref,
      String registry,
      String task,
      int width,
      int depth,
      Double accuracy,
      String license,
      byte[] onnx,
      double p50) {}

  /** One query and its computed answer. */
  record Query(
      String task,
      String prefer,
      Double maxLatencyMs,
      Long maxSize,
      Double minAccuracy,
      String license,
      List<String> truth) {
    List<String> args() {
      List<String> a =
          new ArrayList<>(
              List.of(
                  "recommend",
                  "--task",
                  task,
                  "--registry",
                  "hf,mlflow,wandb",
                  "--prefer",
                  prefer,
                  "--top",
                  "3",
                  "--max-candidates",
                  "200",
                  "--json"));
      if (maxLatencyMs != null) {
        a.addAll(List.of("--max-latency-ms", String.format(Locale.ROOT, "%.4f", maxLatencyMs)));
      }
      if (maxSize != null) {
        a.addAll(List.of("--max-size", Long.toString(maxSize)));
      }
      if (minAccuracy != null) {
        a.addAll(List.of("--min-accuracy", String.format(Locale.ROOT, "%.3f", minAccuracy)));
      }
      if (license != null) {
        a.addAll(List.of("--license", license));
      }
      return a;
    }
  }

  /** The result: top-1 and top-3 hits over the queries, and each miss. */
  record Result(int queries, int top1, int top3, List<String> failures, int models) {
    double top1Rate() {
      return (double) top1 / queries;
    }

    double top3Rate() {
      return (double) top3 / queries;
    }

    String report() {
      StringBuilder sb = new StringBuilder();
      sb.append(
          String.format(
              Locale.ROOT,
              "catalogue: %d models over hf, mlflow, wandb; %d queries%n"
                  + "top-1: %d/%d = %.1f%% (target >= 90%%)%ntop-3: %d/%d = %.1f%%%n",
              models,
              queries,
              top1,
              queries,
              100 * top1Rate(),
              top3,
              queries,
              100 * top3Rate()));
      failures.forEach(f -> sb.append("failure: ").append(f).append('\n'));
      return sb.toString();
    }
  }

  private RecommendEvaluation() {}

  /**
   * Builds the catalogue from {@code seed}, publishes it, asks every query; {@code mlflow} is up.
   */
  static Result run(long seed, int models, int queries, MlflowServer mlflow, Path work)
      throws Exception {
    Random rnd = new Random(seed);
    String prefix = "rec" + seed;
    List<Model> catalogue = new ArrayList<>();
    try (FakeHfHub hub = FakeHfHub.start();
        FakeWandb wandb = FakeWandb.start().requireApiKey(WANDB_KEY);
        Gpux local = Gpux.open(work)) {
      MlflowModels ml = MlflowModels.of(mlflow);
      for (int i = 0; i < models; i++) {
        String task = TASKS[i % TASKS.length];
        String registry = REGISTRIES[(i / TASKS.length) % REGISTRIES.length];
        // Width 32..1024 (log-uniform), depth 1..3: costs spread over about three decades.
        int width = 8 * (int) Math.round(4 * Math.pow(32, rnd.nextDouble()));
        int depth = 1 + rnd.nextInt(3);
        Path file = work.resolve("catalogue/" + prefix + "-" + i + ".onnx");
        Files.createDirectories(file.getParent());
        mlp(width, depth).writeTo(file);
        byte[] onnx = Files.readAllBytes(file);
        double skill = Math.log((double) width * width * depth) / Math.log(1024.0 * 1024 * 3);
        Double accuracy =
            rnd.nextDouble() < 0.15
                ? null
                : Math.round(1000 * Math.min(0.99, 0.4 + 0.5 * skill + 0.04 * rnd.nextGaussian()))
                    / 1000.0;
        String name = prefix + "-" + task.split("-")[0] + "-" + i;
        String license = null;
        String ref;
        switch (registry) {
          case "hf" -> {
            license = rnd.nextBoolean() ? "apache-2.0" : "mit";
            FakeRepo repo =
                hub.repo("acme/" + name)
                    .file("model.onnx", onnx)
                    .file("README.md", card(name, task, accuracy, rnd))
                    .pipelineTag(task)
                    .license(license);
            if (rnd.nextBoolean()) {
              repo.tags("onnx", task);
            } else {
              repo.tags("onnx");
            }
            repo.commit("initial");
            ref = "hf:acme/" + name;
          }
          case "mlflow" -> {
            String[] keys = {"task", "mlflow.task", "model_type"};
            Map<String, String> tags = Map.of(keys[rnd.nextInt(keys.length)], alias(task, rnd));
            Map<String, Double> metrics = new LinkedHashMap<>();
            metrics.put("loss", Math.round(1000 * rnd.nextDouble()) / 1000.0);
            if (accuracy != null) {
              metrics.put(rnd.nextBoolean() ? "accuracy" : "val_accuracy", accuracy);
            }
            ml.register(name, onnx, tags, metrics);
            ref = "mlflow:" + name;
          }
          default -> {
            String summary =
                accuracy == null
                    ? "{\"loss\": 0.3, \"_step\": 10}"
                    : "{\"loss\": 0.3, \"_step\": 10, \""
                        + (rnd.nextBoolean() ? "accuracy" : "val_acc")
                        + "\": "
                        + accuracy
                        + "}";
            wandb
                .artifact("acme", "models", name, "model")
                .file("model.onnx", onnx)
                .run("run-" + i, "{\"width\": " + width + "}", summary)
                .commit();
            wandb.collectionOf("acme", "models", name).description(description(task, rnd));
            ref = "wandb:acme/models/" + name;
          }
        }
        catalogue.add(
            new Model(
                ref, registry, task, width, depth, accuracy, license, onnx, measure(local, file)));
      }
      Map<String, String> env = new HashMap<>(mlflow.clientEnv());
      env.put("GPUX_HOME", work.resolve("home").toString());
      env.put("HOME", work.resolve("user").toString());
      env.put("HF_ENDPOINT", hub.url());
      env.put("WANDB_BASE_URL", wandb.url());
      env.put("WANDB_API_KEY", WANDB_KEY);
      env.put("WANDB_ENTITY", "acme");
      env.put("WANDB_PROJECT", "models");
      env.put("GPUX_SEARCH_TIMEOUT", "120");
      env.put("GPUX_RECOMMEND_BUDGET", "3600");
      int top1 = 0;
      int top3 = 0;
      List<String> failures = new ArrayList<>();
      for (int q = 0; q < queries; q++) {
        Query query = draw(rnd, catalogue);
        CliResult r = CliResult.run(work, env, query.args().toArray(String[]::new));
        List<String> got = new ArrayList<>();
        if (r.exitCode() == 0) {
          MAPPER
              .readTree(r.out())
              .get("recommendations")
              .forEach(x -> got.add(x.get("ref").asText()));
        }
        String want = query.truth().get(0);
        if (!got.isEmpty() && got.get(0).equals(want)) {
          top1++;
        } else {
          failures.add(
              String.join(" ", query.args().subList(1, query.args().size()))
                  + ": expected "
                  + want
                  + " (then "
                  + query.truth().subList(1, Math.min(3, query.truth().size()))
                  + "), got "
                  + (r.exitCode() == 0 ? got : "exit " + r.exitCode() + " " + r.err().strip()));
        }
        if (got.subList(0, Math.min(3, got.size())).contains(want)) {
          top3++;
        }
      }
      return new Result(queries, top1, top3, failures, catalogue.size());
    }
  }

  /** x[batch, width] through depth MatMuls by width x width weights, Relu between. */
  private static OnnxModelBuilder mlp(int width, int depth) {
    OnnxModelBuilder b =
        OnnxModels.builder()
            .producer("gpux-eval", "1")
            .opset(17)
            .input("x", "float32", "batch", width);
    String previous = "x";
    for (int l = 0; l < depth; l++) {
      b.initializer("w" + l, "float32", new long[] {width, width}, new float[width * width]);
      String out = l == depth - 1 ? "y" : "h" + l;
      b.node("MatMul", List.of(previous, "w" + l), List.of(out));
      previous = out;
      if (l < depth - 1) {
        previous = "r" + l;
        b.node("Relu", List.of(out), List.of(previous));
      }
    }
    return b.output("y", "float32", "batch", width);
  }

  /** The same harness as gpux recommend's defaults (5 warm-up, 50 timed runs, batch 1 zeros). */
  private static double measure(Gpux gpux, Path file) {
    // The facade keeps the session and closes it with itself.
    InferenceModel m = gpux.load(file.toString(), RuntimeOptions.defaults());
    var feeds = TensorRows.zeros(m.inputs());
    LatencyStats s = Benchmark.run(5, 50, () -> m.run(feeds));
    return s.medianMs();
  }

  /** A model card with its accuracy in model-index, sometimes as a percentage as some cards do. */
  private static String card(String name, String task, Double accuracy, Random rnd) {
    StringBuilder sb = new StringBuilder("---\nlicense: apache-2.0\n");
    if (accuracy != null) {
      boolean percent = rnd.nextInt(4) == 0;
      sb.append("model-index:\n- name: ")
          .append(name)
          .append("\n  results:\n  - task: {type: ")
          .append(task)
          .append("}\n    dataset: {name: eval-set, type: eval-set}\n    metrics:\n")
          .append("    - {type: accuracy, value: ")
          .append(percent ? String.format(Locale.ROOT, "%.1f", accuracy * 100) : accuracy)
          .append("}\n");
    }
    return sb.append("---\n# ").append(name).append('\n').toString();
  }

  /** The task as an MLflow user writes it in a tag: the name or a common alias. */
  private static String alias(String task, Random rnd) {
    if (rnd.nextBoolean()) {
      return task;
    }
    return switch (task) {
      case "tabular-classification" -> "classifier";
      case "tabular-regression" -> "regressor";
      default -> "forecasting";
    };
  }

  /** A W&B collection description naming the task in prose. */
  private static String description(String task, Random rnd) {
    String what =
        switch (task) {
          case "tabular-classification" -> "Tabular classification";
          case "tabular-regression" -> "Tabular regression";
          default -> "Time series forecasting";
        };
    return rnd.nextBoolean()
        ? what + " model trained on the quarterly data"
        : "An MLP for " + what.toLowerCase(Locale.ROOT) + ", exported to ONNX";
  }

  /** A query drawn at random, redrawn until some model meets it, with its computed answer. */
  private static Query draw(Random rnd, List<Model> catalogue) {
    while (true) {
      String task = TASKS[rnd.nextInt(TASKS.length)];
      List<Model> of = catalogue.stream().filter(m -> m.task().equals(task)).toList();
      double fast = of.stream().mapToDouble(Model::p50).min().orElseThrow();
      double slow = of.stream().mapToDouble(Model::p50).max().orElseThrow();
      long small = of.stream().mapToLong(m -> m.onnx().length).min().orElseThrow();
      long big = of.stream().mapToLong(m -> m.onnx().length).max().orElseThrow();
      double p = rnd.nextDouble();
      String prefer = p < 0.4 ? "accuracy" : p < 0.8 ? "latency" : "size";
      Double maxLatency =
          rnd.nextDouble() < 0.4 ? fast * Math.pow(slow / fast, rnd.nextDouble()) * 1.2 : null;
      Long maxSize =
          rnd.nextDouble() < 0.3
              ? (long) (small * Math.pow((double) big / small, rnd.nextDouble()) * 1.2)
              : null;
      Double minAccuracy = rnd.nextDouble() < 0.4 ? 0.55 + 0.3 * rnd.nextDouble() : null;
      String license = rnd.nextDouble() < 0.15 ? (rnd.nextBoolean() ? "apache-2.0" : "mit") : null;
      List<Model> meeting =
          of.stream()
              .filter(m -> maxLatency == null || m.p50() <= maxLatency)
              .filter(m -> maxSize == null || m.onnx().length <= maxSize)
              .filter(
                  m -> minAccuracy == null || (m.accuracy() != null && m.accuracy() >= minAccuracy))
              .filter(m -> license == null || license.equals(m.license()))
              .toList();
      if (!meeting.isEmpty()) {
        return new Query(
            task, prefer, maxLatency, maxSize, minAccuracy, license, truth(meeting, prefer));
      }
    }
  }

  /** The objective applied to the measured catalogue, as the issue defines it. */
  private static List<String> truth(List<Model> meeting, String prefer) {
    Comparator<Model> smaller = Comparator.comparingInt((Model m) -> m.onnx().length);
    List<Model> left = new ArrayList<>(meeting);
    List<Model> out = new ArrayList<>();
    switch (prefer) {
      case "accuracy" -> {
        left.sort(
            Comparator.comparingDouble(
                    (Model m) -> m.accuracy() == null ? Double.MAX_VALUE : -m.accuracy())
                .thenComparing(smaller));
        out.addAll(left);
      }
      case "size" -> {
        left.sort(smaller);
        out.addAll(left);
      }
      default -> {
        // Latencies within 10% or 0.01 ms of each other are a tie the smaller model wins.
        while (!left.isEmpty()) {
          double fastest = left.stream().mapToDouble(Model::p50).min().orElseThrow();
          Model pick =
              left.stream()
                  .filter(m -> m.p50() <= Math.max(fastest * 1.1, fastest + 0.01))
                  .min(smaller)
                  .orElseThrow();
          out.add(pick);
          left.remove(pick);
        }
      }
    }
    return out.stream().map(Model::ref).toList();
  }

  /** {@code RecommendEvaluation [--seed N] [--models N] [--queries N] WORK_DIR}. */
  public static void main(String[] args) throws Exception {
    long seed = 16;
    int models = 45;
    int queries = 45;
    Path work = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--seed" -> seed = Long.parseLong(args[++i]);
        case "--models" -> models = Integer.parseInt(args[++i]);
        case "--queries" -> queries = Integer.parseInt(args[++i]);
        default -> work = Path.of(args[i]);
      }
    }
    if (work == null) {
      work = Files.createTempDirectory("gpux-recommend-eval");
    }
    try (MlflowServer mlflow = MlflowServer.start(work.resolve("mlflow"), true)) {
      Result r = run(seed, models, queries, mlflow, work.resolve("seed-" + seed));
      System.out.print("seed " + seed + "\n" + r.report());
    }
  }
}
