package io.gpux.discover;

import io.gpux.benchmark.Benchmark;
import io.gpux.benchmark.LatencyStats;
import io.gpux.error.GpuxException;
import io.gpux.inference.InferenceModel;
import io.gpux.inspect.ModelDescription;
import io.gpux.onnx.OnnxGraphStats;
import io.gpux.onnx.OnnxModelInfo;
import io.gpux.onnx.OnnxModelReader;
import io.gpux.project.Project;
import io.gpux.project.TensorSpec;
import io.gpux.store.VersionManifest;
import io.gpux.tensor.Tensor;
import io.gpux.tensor.TensorRows;
import io.gpux.tensor.TensorSignature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code gpux compare}: the facts of each model, read with {@link OnnxModelReader} and the store's
 * manifest, and with {@code --measure} timed by {@link Benchmark}, the harness of {@code gpux run
 * --benchmark}, with the same settings for every model.
 */
public final class Comparer {
  /** ONNX Runtime's words for an operator no kernel of the provider implements. */
  private static final Pattern NO_KERNEL =
      Pattern.compile("(?:implementation for|kernel for) (?:the )?([A-Za-z0-9_.:]+)\\s*\\(");

  /**
   * One model to compare.
   *
   * @param stored its store manifest, or null for a project on disk
   */
  public record Subject(String reference, Project project, VersionManifest stored) {}

  /** The harness's settings: the same for every model. */
  public record Harness(int warmup, int runs) {
    public static Harness defaults() {
      return new Harness(10, 100);
    }
  }

  private final Function<Project, InferenceModel> open;
  private final TaskVocabulary vocabulary;

  /**
   * @param open opens a session the comparison owns and closes (on this machine's chosen provider)
   */
  public Comparer(Function<Project, InferenceModel> open, TaskVocabulary vocabulary) {
    this.open = open;
    this.vocabulary = vocabulary;
  }

  public ModelComparison compare(List<Subject> subjects, Harness measure) {
    List<ComparedModel> models = new ArrayList<>();
    for (Subject s : subjects) {
      models.add(facts(s, measure));
    }
    return new ModelComparison(models);
  }

  private ComparedModel facts(Subject s, Harness measure) {
    Path file = s.project().modelFile();
    OnnxModelInfo info = OnnxModelReader.read(file);
    OnnxGraphStats stats = OnnxModelReader.graphStats(file);
    Map<String, String> lineage = s.stored() == null ? Map.of() : s.stored().lineage();
    List<String> unsupported = new ArrayList<>();
    String provider = null;
    String loadError = null;
    ComparedModel.Measurement measured = null;
    long rssBefore = residentBytes();
    InferenceModel m = null;
    try {
      m = open.apply(s.project());
      provider = m.provider().chosen().shortName();
      if (measure != null) {
        measured = measure(m, s.project(), measure, rssBefore);
      }
    } catch (GpuxException | IllegalStateException e) {
      loadError = e.getMessage();
      Matcher k = NO_KERNEL.matcher(String.valueOf(e.getMessage()) + " " + causes(e));
      Set<String> ops = new LinkedHashSet<>();
      while (k.find()) {
        ops.add(k.group(1));
      }
      unsupported.addAll(ops);
    } finally {
      if (m != null) {
        m.close();
      }
    }
    Map<String, List<String>> labels = new LinkedHashMap<>();
    for (TensorSpec out : s.project().config().outputs()) {
      if (out.labels() != null && !out.labels().isEmpty()) {
        labels.put(out.name(), out.labels());
      }
    }
    return new ComparedModel(
        s.reference(),
        s.stored() == null ? "local" : s.stored().registry(),
        s.stored() == null ? null : s.stored().version(),
        s.stored() == null ? size(s.project().directory(), file) : s.stored().sizeBytes(),
        stats.parameters(),
        info.irVersion(),
        info.defaultOpset(),
        stats.nodes(),
        stats.operators(),
        unsupported,
        provider,
        loadError,
        ModelDescription.signatures(info.inputs()),
        ModelDescription.signatures(info.outputs()),
        license(lineage),
        task(lineage, s.stored()),
        labels,
        QualityFigures.read(s.stored(), s.project().directory()),
        measured);
  }

  private ComparedModel.Measurement measure(
      InferenceModel m, Project project, Harness h, long rssBefore) {
    List<TensorSignature> inputs = m.inputs();
    Map<String, Tensor> one = TensorRows.zeros(inputs);
    long[] peak = {rssBefore};
    LatencyStats batchOne = Benchmark.run(h.warmup(), h.runs(), () -> sampled(m, one, peak));
    long batch = batchSize(inputs, project);
    LatencyStats atBatch = null;
    if (batch > 1 && dynamicBatch(inputs)) {
      Map<String, Tensor> many = TensorRows.zeros(withBatch(inputs, batch));
      atBatch = Benchmark.run(h.warmup(), h.runs(), () -> sampled(m, many, peak));
    } else if (batch > 1) {
      atBatch = batchOne; // the model's inputs are fixed at that batch: batch 1 is not possible
    }
    return new ComparedModel.Measurement(
        m.provider().chosen().shortName(),
        batchOne,
        batch,
        atBatch,
        rssBefore < 0 ? -1 : Math.max(0, peak[0] - rssBefore));
  }

  private static void sampled(InferenceModel m, Map<String, Tensor> feeds, long[] peak) {
    m.run(feeds);
    peak[0] = Math.max(peak[0], residentBytes());
  }

  /**
   * A fixed first dimension above 1 is the model's batch size; a dynamic one takes gpux.yml's
   * {@code runtime.batch_size}.
   */
  static long batchSize(List<TensorSignature> inputs, Project project) {
    for (TensorSignature s : inputs) {
      if (s.shape() != null && !s.shape().isEmpty() && s.shape().get(0) > 1) {
        return s.shape().get(0);
      }
    }
    return Math.max(1, project.config().runtime().batchSize());
  }

  private static boolean dynamicBatch(List<TensorSignature> inputs) {
    return !inputs.isEmpty()
        && inputs.stream()
            .allMatch(s -> s.shape() != null && !s.shape().isEmpty() && s.shape().get(0) < 0);
  }

  private static List<TensorSignature> withBatch(List<TensorSignature> inputs, long batch) {
    List<TensorSignature> out = new ArrayList<>();
    for (TensorSignature s : inputs) {
      List<Long> shape = new ArrayList<>(s.shape());
      shape.set(0, batch);
      out.add(new TensorSignature(s.name(), s.type(), shape, s.dimNames()));
    }
    return out;
  }

  /** The process's resident memory (Linux {@code VmRSS}), or -1 where the system does not say. */
  static long residentBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | RuntimeException notLinux) {
      // other systems: unknown
    }
    return -1;
  }

  private static String causes(Throwable e) {
    StringBuilder sb = new StringBuilder();
    for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
      sb.append(' ').append(c.getMessage());
    }
    return sb.toString();
  }

  private static long size(Path directory, Path file) {
    try (var walk = Files.walk(directory)) {
      return walk.filter(Files::isRegularFile)
          .filter(p -> !p.toString().contains("/.gpux/"))
          .mapToLong(
              p -> {
                try {
                  return Files.size(p);
                } catch (IOException e) {
                  return 0;
                }
              })
          .sum();
    } catch (IOException e) {
      try {
        return Files.size(file);
      } catch (IOException again) {
        return -1;
      }
    }
  }

  private static String license(Map<String, String> lineage) {
    for (Map.Entry<String, String> e : lineage.entrySet()) {
      String k = e.getKey().toLowerCase(java.util.Locale.ROOT);
      if (k.equals("license") || k.endsWith(".license") || k.endsWith("licensename")) {
        return e.getValue();
      }
    }
    return null;
  }

  /**
   * The task the lineage states (HF pipeline_tag, MLflow tags, W&B metadata), in the vocabulary.
   */
  private String task(Map<String, String> lineage, VersionManifest stored) {
    for (Map.Entry<String, String> e : lineage.entrySet()) {
      String k = e.getKey().toLowerCase(java.util.Locale.ROOT);
      String last = k.substring(k.lastIndexOf('.') + 1);
      if (last.equals("pipeline_tag") || last.equals("task")) {
        String t = vocabulary.lookup(e.getValue());
        if (t != null) {
          return t;
        }
      }
    }
    return null;
  }
}
