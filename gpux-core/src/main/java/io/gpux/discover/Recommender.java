package io.gpux.discover;

import io.gpux.benchmark.Benchmark;
import io.gpux.benchmark.LatencyStats;
import io.gpux.benchmark.MachineFingerprint;
import io.gpux.discover.RecommendQuery.Prefer;
import io.gpux.discover.Recommendation.Accuracy;
import io.gpux.discover.Recommendation.Excluded;
import io.gpux.discover.Recommendation.Latency;
import io.gpux.discover.Recommendation.Recommended;
import io.gpux.error.GpuxException;
import io.gpux.index.LatencyTables.Fingerprint;
import io.gpux.index.LatencyTables.MeasuredLatency;
import io.gpux.inference.InferenceModel;
import io.gpux.onnx.OnnxModelReader;
import io.gpux.project.Project;
import io.gpux.runtime.ExecutionProvider;
import io.gpux.runtime.ProviderPriority;
import io.gpux.runtime.SessionFactory;
import io.gpux.store.ManifestFile;
import io.gpux.store.ModelStore;
import io.gpux.store.VersionManifest;
import io.gpux.tensor.TensorRows;
import io.gpux.units.ByteSizes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * {@code gpux recommend}: candidates from the cross-registry search, each pulled (when the store
 * lacks it), its accuracy read where its registry states it ({@link QualityFigures}) and its
 * latency measured here by one harness ({@link Benchmark}, batch 1, zero-filled inputs). Latencies
 * are kept in the index per model file and machine fingerprint, so asking again measures nothing;
 * without measuring, a latency is estimated from the model's FLOPs, calibrated on what this machine
 * measured before. The constraints filter, the objective ranks, ties go to the smaller model.
 */
public final class Recommender {
  /**
   * Latencies this close (relative to the faster) are a tie under {@code --prefer latency}: a
   * shared machine's run-to-run noise is about that large on small models, and a recommendation
   * should not claim one model faster than another on noise; the tie goes to the smaller model.
   */
  static final double LATENCY_TIE = 0.10;

  /**
   * And latencies this close in absolute terms are a tie too: differences of a few microseconds are
   * below what a JVM harness resolves on a loaded machine (timer, per-call jitter).
   */
  static final double LATENCY_TIE_MS = 0.01;

  /** Metric names read as an accuracy, most preferred first (after an exact {@code accuracy}). */
  private static final List<String> ACCURACY_WORDS =
      List.of("accuracy", "acc", "top1", "top-1", "f1", "exact_match", "auc", "r2", "precision");

  /** Finds models locally (pulling them when allowed) and opens sessions the caller closes. */
  public interface Access {
    /**
     * The model behind a reference, pulled first when the store lacks it and pulling is allowed.
     */
    Local locate(String reference);

    /** A session on this machine's chosen provider, closed by the caller. */
    InferenceModel open(Project project);
  }

  /**
   * A model on disk.
   *
   * @param stored its store manifest, or null for a project folder
   */
  public record Local(Project project, VersionManifest stored) {}

  private final Function<DiscoverQuery, SearchResult> search;
  private final Access access;
  private final Supplier<ModelStore> store;
  private final TaskVocabulary vocabulary;
  private final Fingerprint machine;
  private final Clock clock;
  private final Duration budget;

  /**
   * @param machine the fingerprint latencies are kept under ({@link #thisMachine()})
   * @param budget how long measuring may take in all; candidates past it are estimated
   */
  public Recommender(
      Function<DiscoverQuery, SearchResult> search,
      Access access,
      Supplier<ModelStore> store,
      TaskVocabulary vocabulary,
      Fingerprint machine,
      Clock clock,
      Duration budget) {
    this.search = search;
    this.access = access;
    this.store = store;
    this.vocabulary = vocabulary;
    this.machine = machine;
    this.clock = clock;
    this.budget = budget;
  }

  /**
   * This machine: its CPU model and cores (as benchmarks record them), the execution provider a
   * session gets by default (the best compiled in, in the platform's order) and ONNX Runtime's
   * version.
   */
  public static Fingerprint thisMachine() {
    Set<ExecutionProvider> compiled = SessionFactory.compiledIn();
    String provider =
        ProviderPriority.forThisMachine().stream()
            .filter(compiled::contains)
            .findFirst()
            .orElse(ExecutionProvider.CPU)
            .shortName()
            .toLowerCase(Locale.ROOT);
    return new Fingerprint(
        MachineFingerprint.cpuModel(),
        MachineFingerprint.cores(),
        provider,
        SessionFactory.onnxRuntimeVersion());
  }

  /** What is known of one candidate once it is local. */
  private record Weighed(
      Candidate candidate,
      String ref,
      long sizeBytes,
      String license,
      Accuracy accuracy,
      Latency latency,
      double flops) {}

  public Recommendation recommend(RecommendQuery q) {
    String task = vocabulary.require(q.task());
    SearchResult found =
        search.apply(
            new DiscoverQuery(
                null,
                q.registries(),
                task,
                null,
                null,
                null,
                -1,
                -1,
                List.of(),
                DiscoverQuery.Sort.RELEVANCE,
                q.maxCandidates()));
    if (found.allFailed()) {
      throw GpuxException.invalidInput(
          "no registry answered: "
              + String.join(
                  "; ",
                  found.failures().stream().map(f -> f.registry() + ": " + f.reason()).toList()),
          "check the registries' URLs (HF_ENDPOINT, MLFLOW_TRACKING_URI, WANDB_BASE_URL...) and"
              + " the network, or recommend from the index with GPUX_OFFLINE=1");
    }
    if (found.candidates().isEmpty()) {
      throw GpuxException.notFound(
          "no model of task " + task + " in " + String.join(", ", found.searched()),
          "try another --task, or name more registries with --registry");
    }
    List<Excluded> excluded = new ArrayList<>();
    List<Weighed> weighed = new ArrayList<>();
    ModelStore cache = openStore();
    long deadline = System.nanoTime() + budget.toNanos();
    List<Weighed> unmeasured = new ArrayList<>();
    for (Candidate c : found.candidates()) {
      if (weighed.size() + unmeasured.size() >= q.maxCandidates()) {
        excluded.add(new Excluded(c.reference(), "beyond --max-candidates " + q.maxCandidates()));
        continue;
      }
      Weighed w;
      try {
        w = weigh(c, q, cache, deadline);
      } catch (GpuxException | IllegalStateException unusable) {
        excluded.add(new Excluded(c.reference(), "could not be used: " + unusable.getMessage()));
        continue;
      }
      (w.latency() == null ? unmeasured : weighed).add(w);
    }
    // Estimates are calibrated on every measurement this machine has, including this query's.
    Calibration calibration = Calibration.of(cache == null ? List.of() : latencies(cache));
    for (Weighed w : unmeasured) {
      weighed.add(
          new Weighed(
              w.candidate(),
              w.ref(),
              w.sizeBytes(),
              w.license(),
              w.accuracy(),
              calibration.estimate(w.flops()),
              w.flops()));
    }
    List<Constraint> constraints = constraints(q);
    List<Weighed> meeting = new ArrayList<>();
    for (Weighed w : weighed) {
      String why = null;
      for (Constraint k : constraints) {
        if (!k.test.test(w)) {
          why = k.why.apply(w);
          break;
        }
      }
      if (why == null) {
        meeting.add(w);
      } else {
        excluded.add(new Excluded(w.ref(), why));
      }
    }
    if (meeting.isEmpty()) {
      throw nothingMeets(weighed, constraints, task, excluded);
    }
    List<Weighed> ranked = rank(meeting, q.prefer());
    List<Recommended> out = new ArrayList<>();
    for (int i = 0; i < ranked.size(); i++) {
      Weighed w = ranked.get(i);
      if (i >= q.top()) {
        excluded.add(new Excluded(w.ref(), "ranked " + (i + 1) + ", below --top " + q.top()));
        continue;
      }
      out.add(
          new Recommended(
              w.ref(),
              w.candidate().registry(),
              task,
              score(w, ranked, q.prefer()),
              w.latency(),
              w.sizeBytes(),
              w.accuracy(),
              reasons(w, i, q, constraints)));
    }
    return new Recommendation(q, task, out, excluded, found.failures(), machine);
  }

  private List<MeasuredLatency> latencies(ModelStore cache) {
    try {
      return cache.latencies(machine);
    } catch (GpuxException unreadable) {
      return List.of();
    }
  }

  private Weighed weigh(Candidate c, RecommendQuery q, ModelStore cache, long deadline) {
    String ref = c.reference();
    Local local = access.locate(ref);
    Project project = local.project();
    Path file = project.modelFile();
    VersionManifest stored = local.stored();
    long size = stored != null ? stored.sizeBytes() : c.sizeBytes();
    if (size < 0) {
      size = sizeOf(file);
    }
    String license = c.license() != null ? c.license() : license(stored);
    Accuracy accuracy = accuracy(QualityFigures.read(stored, project.directory()));
    double flops = 2.0 * OnnxModelReader.graphStats(file).parameters();
    String digest = digest(stored, project, file);
    Latency latency = null;
    MeasuredLatency known = cache == null ? null : cached(cache, digest);
    if (known != null) {
      latency = new Latency(known.p50Ms(), known.p99Ms(), true, true);
    } else if (q.measure() && System.nanoTime() < deadline) {
      LatencyStats s = measure(project, q.harness());
      latency = new Latency(s.medianMs(), s.p99Ms(), true, false);
      if (cache != null) {
        try {
          cache.recordLatency(
              new MeasuredLatency(
                  digest,
                  machine,
                  ref,
                  clock.instant(),
                  q.harness().warmup(),
                  q.harness().runs(),
                  s.medianMs(),
                  s.p99Ms(),
                  flops));
        } catch (GpuxException notKept) {
          // A read-only index costs the cache, not the answer.
        }
      }
    }
    return new Weighed(c, ref, size, license, accuracy, latency, flops);
  }

  private MeasuredLatency cached(ModelStore cache, String digest) {
    try {
      return cache.latency(digest, machine).orElse(null);
    } catch (GpuxException unreadable) {
      return null;
    }
  }

  private LatencyStats measure(Project project, Comparer.Harness h) {
    try (InferenceModel m = access.open(project)) {
      var feeds = TensorRows.zeros(m.inputs());
      return Benchmark.run(h.warmup(), h.runs(), () -> m.run(feeds));
    }
  }

  /**
   * The figure that reads as an accuracy: {@code accuracy} itself, else the first of the known
   * words (a metric named {@code val_accuracy} or {@code eval_acc} counts), higher being better; a
   * stated percentage becomes a fraction.
   */
  static Accuracy accuracy(List<ComparedModel.Figure> figures) {
    ComparedModel.Figure best = null;
    int bestRank = Integer.MAX_VALUE;
    for (ComparedModel.Figure f : figures) {
      if (f.lowerIsBetter()) {
        continue;
      }
      String m = f.metric().toLowerCase(Locale.ROOT);
      int rank = Integer.MAX_VALUE;
      for (int i = 0; i < ACCURACY_WORDS.size(); i++) {
        String word = ACCURACY_WORDS.get(i);
        if (m.equals(word)) {
          rank = Math.min(rank, i * 2);
        } else if (m.matches(
            "(?:.*[^a-z])?" + java.util.regex.Pattern.quote(word) + "(?:[^a-z].*)?")) {
          rank = Math.min(rank, i * 2 + 1);
        }
      }
      if (rank < bestRank) {
        best = f;
        bestRank = rank;
      }
    }
    if (best == null) {
      return null;
    }
    double v = best.value() > 1 && best.value() <= 100 ? best.value() / 100 : best.value();
    return new Accuracy(v, best.metric(), best.source(), best.dataset());
  }

  private record Constraint(String flag, Predicate<Weighed> test, Function<Weighed, String> why) {}

  private static List<Constraint> constraints(RecommendQuery q) {
    List<Constraint> out = new ArrayList<>();
    if (q.license() != null) {
      out.add(
          new Constraint(
              "--license " + q.license(),
              w -> w.license() != null && w.license().equalsIgnoreCase(q.license().trim()),
              w ->
                  w.license() == null
                      ? "its registry states no license (--license " + q.license() + ")"
                      : "license " + w.license() + ", not " + q.license()));
    }
    if (q.maxSizeBytes() >= 0) {
      out.add(
          new Constraint(
              "--max-size " + ByteSizes.human(q.maxSizeBytes()),
              w -> w.sizeBytes() >= 0 && w.sizeBytes() <= q.maxSizeBytes(),
              w ->
                  "size "
                      + ByteSizes.human(w.sizeBytes())
                      + " over --max-size "
                      + ByteSizes.human(q.maxSizeBytes())));
    }
    if (q.minAccuracy() >= 0) {
      out.add(
          new Constraint(
              "--min-accuracy " + fmt(q.minAccuracy()),
              w -> w.accuracy() != null && w.accuracy().value() >= q.minAccuracy(),
              w ->
                  w.accuracy() == null
                      ? "no registry states its accuracy (--min-accuracy "
                          + fmt(q.minAccuracy())
                          + " needs one)"
                      : w.accuracy().metric()
                          + " "
                          + fmt(w.accuracy().value())
                          + " below --min-accuracy "
                          + fmt(q.minAccuracy())));
    }
    if (q.maxLatencyMs() > 0) {
      out.add(
          new Constraint(
              "--max-latency-ms " + fmt(q.maxLatencyMs()),
              w -> w.latency() != null && w.latency().p50Ms() <= q.maxLatencyMs(),
              w ->
                  w.latency() == null
                      ? "latency unknown: not measured and nothing measured here to estimate"
                          + " from (--max-latency-ms "
                          + fmt(q.maxLatencyMs())
                          + ")"
                      : "p50 "
                          + fmt(w.latency().p50Ms())
                          + " ms "
                          + (w.latency().measured() ? "measured" : "estimated")
                          + " over --max-latency-ms "
                          + fmt(q.maxLatencyMs())));
    }
    return out;
  }

  /** Names the constraint that leaves nothing: one alone if one does, else the combination. */
  private static GpuxException nothingMeets(
      List<Weighed> weighed, List<Constraint> constraints, String task, List<Excluded> excluded) {
    if (weighed.isEmpty()) {
      return GpuxException.notFound(
          "none of the " + excluded.size() + " " + task + " models found could be used",
          excluded.isEmpty()
              ? "raise --max-candidates"
              : excluded.get(0).ref() + ": " + excluded.get(0).why());
    }
    for (Constraint k : constraints) {
      if (weighed.stream().noneMatch(k.test)) {
        return GpuxException.invalidInput(
            k.flag() + " excludes every candidate (" + weighed.size() + " " + task + " models)",
            "closest: " + k.why.apply(closest(weighed, k)) + "; relax " + k.flag().split(" ")[0]);
      }
    }
    return GpuxException.invalidInput(
        String.join(" and ", constraints.stream().map(Constraint::flag).toList())
            + " together exclude every candidate ("
            + weighed.size()
            + " "
            + task
            + " models; each alone leaves some)",
        "relax one of them");
  }

  /** The candidate nearest to meeting {@code k}, to show how far off the constraint is. */
  private static Weighed closest(List<Weighed> weighed, Constraint k) {
    Comparator<Weighed> by =
        k.flag().startsWith("--max-size")
            ? Comparator.comparingLong(Weighed::sizeBytes)
            : k.flag().startsWith("--max-latency")
                ? Comparator.comparingDouble(
                    w -> w.latency() == null ? Double.MAX_VALUE : w.latency().p50Ms())
                : k.flag().startsWith("--min-accuracy")
                    ? Comparator.comparingDouble(
                        w -> w.accuracy() == null ? Double.MAX_VALUE : -w.accuracy().value())
                    : Comparator.comparing(w -> 0);
    return weighed.stream().min(by).orElseThrow();
  }

  /**
   * Best first. Accuracy: highest stated first, those stating none after them; latency: fastest p50
   * first, latencies within {@link #LATENCY_TIE} of the fastest left being a tie that the smaller
   * model wins; size: smallest. Every other tie goes to the smaller model.
   */
  static List<Weighed> rank(List<Weighed> meeting, Prefer prefer) {
    Comparator<Weighed> smaller =
        Comparator.comparingLong((Weighed w) -> w.sizeBytes() < 0 ? Long.MAX_VALUE : w.sizeBytes())
            .thenComparing(Weighed::ref);
    List<Weighed> left = new ArrayList<>(meeting);
    return switch (prefer) {
      case ACCURACY -> {
        left.sort(
            Comparator.comparingDouble(
                    (Weighed w) -> w.accuracy() == null ? Double.MAX_VALUE : -w.accuracy().value())
                .thenComparing(smaller));
        yield left;
      }
      case SIZE -> {
        left.sort(smaller);
        yield left;
      }
      case LATENCY -> {
        List<Weighed> out = new ArrayList<>();
        List<Weighed> unknown =
            new ArrayList<>(left.stream().filter(w -> w.latency() == null).toList());
        left.removeAll(unknown);
        while (!left.isEmpty()) {
          double fastest = left.stream().mapToDouble(w -> w.latency().p50Ms()).min().orElseThrow();
          Weighed pick =
              left.stream()
                  .filter(
                      w ->
                          w.latency().p50Ms()
                              <= Math.max(fastest * (1 + LATENCY_TIE), fastest + LATENCY_TIE_MS))
                  .min(smaller)
                  .orElseThrow();
          out.add(pick);
          left.remove(pick);
        }
        unknown.sort(smaller);
        out.addAll(unknown);
        yield out;
      }
    };
  }

  private static double score(Weighed w, List<Weighed> ranked, Prefer prefer) {
    return switch (prefer) {
      case ACCURACY -> w.accuracy() == null ? 0 : w.accuracy().value();
      case LATENCY -> {
        if (w.latency() == null) {
          yield 0;
        }
        double best =
            ranked.stream()
                .filter(x -> x.latency() != null)
                .mapToDouble(x -> x.latency().p50Ms())
                .min()
                .orElse(w.latency().p50Ms());
        yield w.latency().p50Ms() <= 0 ? 1 : best / w.latency().p50Ms();
      }
      case SIZE -> {
        long best =
            ranked.stream().mapToLong(Weighed::sizeBytes).filter(s -> s > 0).min().orElse(1);
        yield w.sizeBytes() <= 0 ? 1 : (double) best / w.sizeBytes();
      }
    };
  }

  private List<String> reasons(Weighed w, int rank, RecommendQuery q, List<Constraint> met) {
    List<String> out = new ArrayList<>();
    String place = rank == 0 ? "the " : "ranked " + (rank + 1) + " by ";
    out.add(
        switch (q.prefer()) {
          case ACCURACY ->
              rank == 0
                  ? "the most accurate of the candidates that meet the constraints"
                  : place + "stated accuracy among those that meet the constraints";
          case LATENCY ->
              rank == 0
                  ? "the fastest of the candidates that meet the constraints"
                  : place + "p50 latency among those that meet the constraints";
          case SIZE ->
              rank == 0
                  ? "the smallest of the candidates that meet the constraints"
                  : place + "size among those that meet the constraints";
        });
    for (Constraint k : met) {
      out.add("meets " + k.flag());
    }
    if (w.accuracy() != null) {
      Accuracy a = w.accuracy();
      out.add(
          "stated "
              + a.metric()
              + " "
              + fmt(a.value())
              + (a.dataset() == null ? "" : " on " + a.dataset())
              + " ("
              + a.source()
              + ")");
    } else {
      out.add(
          q.prefer() == Prefer.ACCURACY
              ? "no registry states its accuracy: ranked below the models that state one"
              : "no registry states its accuracy");
    }
    Latency l = w.latency();
    if (l == null) {
      out.add(
          "latency unknown: not measured (--no-measure) and nothing measured here to estimate from");
    } else if (l.measured()) {
      out.add(
          "p50 "
              + fmt(l.p50Ms())
              + " ms, p99 "
              + fmt(l.p99Ms())
              + " ms measured on this machine ("
              + machine
              + ")"
              + (l.cached() ? ", from the index's cache" : ""));
    } else {
      out.add(
          "p50 about "
              + fmt(l.p50Ms())
              + " ms: an estimate from its FLOPs, calibrated on this machine's measurements");
    }
    out.add("size " + ByteSizes.human(w.sizeBytes()));
    return out;
  }

  private ModelStore openStore() {
    try {
      return store.get();
    } catch (GpuxException unusable) {
      return null; // recommending works without the cache
    }
  }

  private static String license(VersionManifest stored) {
    if (stored == null) {
      return null;
    }
    for (Map.Entry<String, String> e : stored.lineage().entrySet()) {
      String k = e.getKey().toLowerCase(Locale.ROOT);
      if (k.equals("license") || k.endsWith(".license") || k.endsWith("licensename")) {
        return e.getValue();
      }
    }
    return null;
  }

  /** The ONNX file's sha256: from the manifest when stored, else read. */
  private static String digest(VersionManifest stored, Project project, Path file) {
    if (stored != null) {
      for (ManifestFile f : stored.files()) {
        if (project.directory().resolve(f.path()).normalize().equals(file.normalize())) {
          return f.sha256();
        }
      }
    }
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (IOException | NoSuchAlgorithmException e) {
      throw GpuxException.unavailable("cannot read " + file + ": " + e.getMessage(), null);
    }
  }

  private static long sizeOf(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return -1;
    }
  }

  static String fmt(double v) {
    if (v >= 100) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    String s = String.format(Locale.ROOT, "%.3g", v);
    return s.contains(".") && !s.contains("e") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
  }
}
