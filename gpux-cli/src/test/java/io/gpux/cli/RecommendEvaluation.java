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

  /** The FLOPs (width * width * depth multiply-adds) of the cheapest rung of a task's ladder. */
  private static final double MIN_COST = 256;

  /**
   * The ratio between rungs: two models of one task never cost within 1.6x of each other, so their
   * latencies differ by design, not by a few microseconds the machine's noise decides.
   */
  private static final double COST_STEP = 1.6;

  /**
   * The noise a ground truth must survive: a query is kept only if its answer stays the same when
   * any one model's measured latency is this much higher or lower. The ground truth and the engine
   * measure separately on a shared machine; an answer noise can flip measures the machine, not the
   * engine.
   */
  static final double NOISE = 0.25;

  /**
   * And at least this much in absolute terms: small models' latencies move by microseconds that a
   * percentage misses (the engine's own tie, Recommender.LATENCY_TIE_MS, says the same).
   */
  static final double NOISE_MS = 0.01;

  private RecommendEvaluation() {}

  /**
   * A depth (1 to 3, random) whose width for {@code cost} rounds to within 2% of the rung's cost
   * and is at least 16, so rounding never brings two rungs closer than 1.5x; the closest one
   * otherwise.
   */
  private static int depthFor(double cost, Random rnd) {
    List<Integer> depths = new ArrayList<>(List.of(1, 2, 3));
    java.util.Collections.shuffle(depths, rnd);
    int best = 1;
    double bestError = Double.MAX_VALUE;
    for (int d : depths) {
      long w = Math.round(Math.sqrt(cost / d));
      double error = Math.abs((double) w * w * d - cost) / cost;
      if (w >= 16 && error <= 0.02) {
        return d;
      }
      if (w >= 16 && error < bestError) {
        best = d;
        bestError = error;
      }
    }
    return best;
  }

  /**
   * Per task, distinct rungs of the cost ladder in random order, one per model of the task: a
   * ladder about 1.4 times as long as the task's models, so the catalogue is a random subset.
   */
  private static Map<String, List<Integer>> ladders(Random rnd, int models) {
    Map<String, List<Integer>> out = new HashMap<>();
    int perTask = (models + TASKS.length - 1) / TASKS.length;
    int rungs = Math.max(4, (int) Math.ceil(perTask * 1.4));
    for (String task : TASKS) {
      List<Integer> all = new ArrayList<>();
      for (int k = 0; k < rungs; k++) {
        all.add(k);
      }
      java.util.Collections.shuffle(all, rnd);
      out.put(task, all.subList(0, perTask));
    }
    return out;
  }

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
      Map<String, List<Integer>> ladders = ladders(rnd, models);
      List<Path> files = new ArrayList<>();
      for (int i = 0; i < models; i++) {
        String task = TASKS[i % TASKS.length];
        String registry = REGISTRIES[(i / TASKS.length) % REGISTRIES.length];
        // A rung of the task's cost ladder: any two models of a task differ >= COST_STEP in FLOPs.
        double cost = MIN_COST * Math.pow(COST_STEP, ladders.get(task).get(i / TASKS.length));
        int depth = depthFor(cost, rnd);
        int width = (int) Math.round(Math.sqrt(cost / depth));
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
        catalogue.add(new Model(ref, registry, task, width, depth, accuracy, license, onnx, 0));
        files.add(file);
      }
      // Measured once everything is published, in a warmed JVM: a model measured while the first
      // classes load, or next to an upload, would be measured against the harness, not itself.
      measure(local, files.get(0));
      for (int i = 0; i < catalogue.size(); i++) {
        Model m = catalogue.get(i);
        catalogue.set(
            i,
            new Model(
                m.ref(),
                m.registry(),
                m.task(),
                m.width(),
                m.depth(),
                m.accuracy(),
                m.license(),
                m.onnx(),
                measure(local, files.get(i))));
      }
      Map<String, Double> p50 = new HashMap<>();
      catalogue.forEach(m -> p50.put(m.ref(), m.p50()));
      for (Model a : catalogue) {
        for (Model b : catalogue) {
          double ca = (double) a.width() * a.width() * a.depth();
          double cb = (double) b.width() * b.width() * b.depth();
          if (a != b && a.task().equals(b.task()) && cb >= ca && cb < 1.5 * ca) {
            throw new IllegalStateException(a.ref() + " and " + b.ref() + " cost within 1.5x");
          }
        }
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
                  + (r.exitCode() == 0 ? got : "exit " + r.exitCode() + " " + r.err().strip())
                  + "; measured p50 ms "
                  + measured(p50, query.truth(), got));
        }
        if (got.subList(0, Math.min(3, got.size())).contains(want)) {
          top3++;
        }
      }
      return new Result(queries, top1, top3, failures, catalogue.size());
    }
  }

  /** The ground truth's p50 of the expected and the returned models, for a failure's line. */
  private static String measured(Map<String, Double> p50, List<String> truth, List<String> got) {
    java.util.Set<String> refs = new java.util.LinkedHashSet<>(truth.subList(0, 1));
    refs.addAll(got.subList(0, Math.min(3, got.size())));
    List<String> out = new ArrayList<>();
    for (String ref : refs) {
      out.add(
          ref.substring(ref.lastIndexOf('-') + 1)
              + "="
              + String.format(Locale.ROOT, "%.4f", p50.getOrDefault(ref, Double.NaN)));
    }
    return String.join(" ", out);
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

  /**
   * A query drawn at random, redrawn until some model meets it and its answer is robust to {@link
   * #NOISE}, with its computed answer. A latency limit lies at the geometric midpoint of two
   * neighbouring measured latencies of the task, never next to one.
   */
  private static Query draw(Random rnd, List<Model> catalogue) {
    for (int attempt = 0; attempt < 100_000; attempt++) {
      String task = TASKS[rnd.nextInt(TASKS.length)];
      List<Model> of = catalogue.stream().filter(m -> m.task().equals(task)).toList();
      double[] lat = of.stream().mapToDouble(Model::p50).sorted().toArray();
      long small = of.stream().mapToLong(m -> m.onnx().length).min().orElseThrow();
      long big = of.stream().mapToLong(m -> m.onnx().length).max().orElseThrow();
      double p = rnd.nextDouble();
      String prefer = p < 0.4 ? "accuracy" : p < 0.8 ? "latency" : "size";
      int gap = rnd.nextInt(Math.max(1, lat.length - 1));
      Double maxLatency =
          rnd.nextDouble() < 0.4 && lat.length > 1 ? Math.sqrt(lat[gap] * lat[gap + 1]) : null;
      Long maxSize =
          rnd.nextDouble() < 0.3
              ? (long) (small * Math.pow((double) big / small, rnd.nextDouble()) * 1.2)
              : null;
      Double minAccuracy = rnd.nextDouble() < 0.4 ? 0.55 + 0.3 * rnd.nextDouble() : null;
      String license = rnd.nextDouble() < 0.15 ? (rnd.nextBoolean() ? "apache-2.0" : "mit") : null;
      Query q = new Query(task, prefer, maxLatency, maxSize, minAccuracy, license, List.of());
      List<String> truth = answer(of, q, Model::p50);
      if (truth.isEmpty() || !robust(of, q, truth.get(0))) {
        continue;
      }
      return new Query(task, prefer, maxLatency, maxSize, minAccuracy, license, truth);
    }
    throw new IllegalStateException("no query with a noise-robust answer in this catalogue");
  }

  /**
   * Whether the top answer stays {@code top} when any one model's latency moves by NOISE (at least
   * NOISE_MS) either way.
   */
  private static boolean robust(List<Model> of, Query q, String top) {
    for (Model moved : of) {
      double by = Math.max(NOISE * moved.p50(), NOISE_MS);
      for (double d : new double[] {by, -by}) {
        List<String> a = answer(of, q, m -> m == moved ? Math.max(0, m.p50() + d) : m.p50());
        if (a.isEmpty() || !a.get(0).equals(top)) {
          return false;
        }
      }
    }
    return true;
  }

  /** The models of the task meeting the query's constraints, in the objective's order. */
  private static List<String> answer(
      List<Model> of, Query q, java.util.function.ToDoubleFunction<Model> latency) {
    List<Model> meeting =
        of.stream()
            .filter(m -> q.maxLatencyMs() == null || latency.applyAsDouble(m) <= q.maxLatencyMs())
            .filter(m -> q.maxSize() == null || m.onnx().length <= q.maxSize())
            .filter(
                m ->
                    q.minAccuracy() == null
                        || (m.accuracy() != null && m.accuracy() >= q.minAccuracy()))
            .filter(m -> q.license() == null || q.license().equals(m.license()))
            .toList();
    return truth(meeting, q.prefer(), latency);
  }

  /** The objective applied to the measured catalogue, as the issue defines it. */
  private static List<String> truth(
      List<Model> meeting, String prefer, java.util.function.ToDoubleFunction<Model> latency) {
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
          double fastest = left.stream().mapToDouble(latency).min().orElseThrow();
          Model pick =
              left.stream()
                  .filter(m -> latency.applyAsDouble(m) <= Math.max(fastest * 1.1, fastest + 0.01))
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
