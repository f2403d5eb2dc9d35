package io.gpux.monitor;

import io.gpux.index.BenchmarkTables.BenchmarkRow;
import io.gpux.index.HistoryTables.Event;
import io.gpux.index.HistoryTables.Sample;
import io.gpux.units.ByteSizes;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The insight rules, each a pure function of the history (and, for the store's rules, of what the
 * store holds), so each is tested on synthetic histories: it fires on its pattern and stays silent
 * on a steady one. The thresholds err on the side of silence: a rule needs enough requests to
 * speak, and a change large enough to be worth acting on.
 */
public final class InsightRules {
  /**
   * The rules' thresholds.
   *
   * @param window the recent span most rules look at
   * @param minRequests requests a rule needs on each side before it says anything
   * @param regression how much slower (p99 or mean) a new version must be: 1.2 is 20%
   * @param idle how long a stored model unused counts as idle
   * @param memory the share of the memory limit that counts as near it
   */
  public record Thresholds(
      Duration window,
      long minRequests,
      double regression,
      double queueShare,
      double errorRate,
      Duration idle,
      double memory) {
    public static final Thresholds DEFAULT =
        new Thresholds(Duration.ofMinutes(15), 50, 1.2, 0.5, 0.05, Duration.ofDays(30), 0.9);
  }

  /** A stored model, for the idle rule: its reference, size, when pulled, the names it runs as. */
  public record StoredModel(
      String reference, long sizeBytes, Instant pulledAt, List<String> servedAs) {}

  /** A stored model whose movable name moved upstream (gpux outdated). */
  public record Outdated(String reference, String local, String remote) {}

  /**
   * What the rules read.
   *
   * @param benchmarks the measurements kept ({@code gpux batch benchmark --batch-sizes}, {@code run
   *     --benchmark}, ...): a model's rows at several batch sizes are its batch curve, from which
   *     the queue rule estimates what larger batches would gain
   */
  public record Input(
      Instant now,
      List<Sample> samples,
      List<Event> events,
      List<StoredModel> stored,
      List<Outdated> outdated,
      List<BenchmarkRow> benchmarks) {
    public Input(
        Instant now,
        List<Sample> samples,
        List<Event> events,
        List<StoredModel> stored,
        List<Outdated> outdated) {
      this(now, samples, events, stored, outdated, List.of());
    }
  }

  /**
   * The kind of event {@code gpux serve} records when it serves a version whose first dimension is
   * fixed: dynamic batching cannot join its requests.
   */
  public static final String CANNOT_BATCH = "cannot-batch";

  private static final DateTimeFormatter CLOCK =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

  private final Thresholds t;

  public InsightRules(Thresholds thresholds) {
    this.t = thresholds;
  }

  /** Every rule over {@code in}, warnings first. */
  public List<Insight> run(Input in) {
    List<Insight> out = new ArrayList<>();
    out.addAll(regressions(in));
    out.addAll(queueDominates(in));
    out.addAll(batchingDoesNothing(in));
    out.addAll(cannotBatch(in));
    out.addAll(errorSpikes(in));
    out.addAll(cpuFallback(in));
    out.addAll(memoryNearLimit(in));
    out.addAll(idleModels(in));
    out.addAll(outdated(in));
    out.sort(Comparator.comparing(Insight::severity));
    return out;
  }

  /** Totals of some rows. */
  record Totals(Sample sum) {
    static Totals of(List<Sample> rows) {
      Sample s = null;
      for (Sample r : rows) {
        s = s == null ? r : History.merge(s, r);
      }
      return new Totals(s);
    }

    long requests() {
      return sum == null ? 0 : sum.requests();
    }

    double p99() {
      return Latency.quantileMs(sum.requestBuckets(), 0.99);
    }

    double p50() {
      return Latency.quantileMs(sum.requestBuckets(), 0.5);
    }

    double meanMs() {
      return sum.requestSeconds() * 1000 / Math.max(1, sum.requests());
    }

    double queueMs() {
      return sum.queueSeconds() * 1000 / Math.max(1, sum.requests());
    }

    double computeMs() {
      return sum.computeSeconds() * 1000 / Math.max(1, sum.requests());
    }
  }

  private static List<Sample> rows(
      List<Sample> all, String model, String version, Instant from, Instant to) {
    return all.stream()
        .filter(s -> s.model().equals(model))
        .filter(s -> version == null || s.version().equals(version))
        .filter(s -> !s.at().isBefore(from) && s.at().isBefore(to))
        .toList();
  }

  /** The newest version of each model name in the history, with its rows' latest start. */
  private static Map<String, String> currentVersions(Input in) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Sample s : in.samples()) {
      out.put(s.model(), s.version());
    }
    for (Event e : in.events()) {
      out.put(e.model(), e.version());
    }
    return out;
  }

  List<Insight> regressions(Input in) {
    Map<String, Event> latest = new LinkedHashMap<>();
    for (Event e : in.events()) {
      if (e.kind().equals("replaced")) {
        latest.put(e.model(), e);
      }
    }
    List<Insight> out = new ArrayList<>();
    for (Event e : latest.values()) {
      Totals before =
          Totals.of(rows(in.samples(), e.model(), e.previous(), e.at().minus(t.window()), e.at()));
      Totals after = Totals.of(rows(in.samples(), e.model(), e.version(), e.at(), in.now()));
      if (before.requests() < t.minRequests() || after.requests() < t.minRequests()) {
        continue;
      }
      // The typical request (p50), the tail (p99) and the mean: a rise in any is a regression.
      // Not all three together: the old version's first minutes (JIT, caches) inflate its tail
      // and mean, which must not hide a slower median.
      String[] names = {"p50", "p99", "mean latency"};
      double[] was = {before.p50(), before.p99(), before.meanMs()};
      double[] now = {after.p50(), after.p99(), after.meanMs()};
      int worst = -1;
      double ratio = 0;
      for (int k = 0; k < 3; k++) {
        double q = now[k] / was[k];
        if (was[k] > 0 && q > ratio) {
          ratio = q;
          worst = k;
        }
      }
      if (worst < 0 || !(ratio >= t.regression())) {
        continue;
      }
      String action =
          e.reference() != null
              ? "gpux rollback " + e.reference()
              : "serve version " + e.previous() + " of " + e.model() + " again";
      out.add(
          new Insight(
              "regression",
              Insight.Severity.WARNING,
              e.model(),
              e.version(),
              String.format(
                  Locale.ROOT,
                  "%s rose %.0f%% (%s → %s ms) since %s replaced %s at %s",
                  names[worst],
                  (ratio - 1) * 100,
                  ms(was[worst]),
                  ms(now[worst]),
                  e.version(),
                  e.previous(),
                  CLOCK.format(e.at())),
              List.of(
                  String.format(
                      Locale.ROOT,
                      "%s before: p50 %s ms, p99 %s ms, mean %s ms over %d requests",
                      e.previous(),
                      ms(before.p50()),
                      ms(before.p99()),
                      ms(before.meanMs()),
                      before.requests()),
                  String.format(
                      Locale.ROOT,
                      "%s after: p50 %s ms, p99 %s ms, mean %s ms over %d requests",
                      e.version(),
                      ms(after.p50()),
                      ms(after.p99()),
                      ms(after.meanMs()),
                      after.requests())),
              action,
              e.at().minus(t.window()),
              in.now()));
    }
    return out;
  }

  List<Insight> queueDominates(Input in) {
    List<Insight> out = new ArrayList<>();
    Instant from = in.now().minus(t.window());
    for (Map.Entry<String, String> m : currentVersions(in).entrySet()) {
      List<Sample> recent = rows(in.samples(), m.getKey(), m.getValue(), from, in.now());
      Totals r = Totals.of(recent);
      if (r.requests() < t.minRequests()) {
        continue;
      }
      double queue = r.queueMs();
      double compute = r.computeMs();
      // Only under concurrency: a lone request's queue time is the batch delay it waited out,
      // which more workers or larger batches would not shorten.
      if (!(queue / (queue + compute) > t.queueShare()) || queue < 2 || r.sum.inflightPeak() < 2) {
        continue;
      }
      boolean batches = r.sum.batches() > 0;
      double meanBatch = batches ? r.sum.batchRows() / (double) r.sum.batches() : 1;
      boolean fixed = cannotBatch(in, m.getKey(), m.getValue());
      Curve curve = fixed ? null : Curve.of(in.benchmarks(), m.getKey(), recent);
      List<String> evidence = new ArrayList<>();
      evidence.add(
          String.format(
              Locale.ROOT,
              "%d requests in the last %s; at most %d in flight at once",
              r.requests(),
              Retention.text(t.window()),
              r.sum.inflightPeak()));
      String action;
      if (fixed) {
        action =
            "raise --workers (its first dimension is fixed, so requests cannot be batched: see"
                + " the cannot-batch insight)";
        evidence.add(
            String.format(
                Locale.ROOT,
                "expected gain: up to %s ms per request if the queue were drained",
                ms(queue)));
      } else if (curve != null && curve.gain(meanBatch) >= 1.1) {
        Curve.Point best = curve.best();
        double gain = curve.gain(meanBatch);
        action =
            String.format(
                Locale.ROOT,
                "raise --max-batch-size to %d (or --workers): batches of %d serve %.1fx the rows"
                    + " per second of batches of %.0f by the measured curve",
                best.batch(),
                best.batch(),
                gain,
                Math.max(1, meanBatch));
        evidence.add("measured batch curve (" + curve.source() + "): " + curve.text());
        evidence.add(
            String.format(
                Locale.ROOT,
                "expected gain: %.1fx the capacity, so the queue (%s ms now) should fall to %s ms"
                    + " or less at today's traffic",
                gain,
                ms(queue),
                ms(queue / gain)));
      } else if (curve != null) {
        action =
            String.format(
                Locale.ROOT,
                "raise --workers: larger batches would not help (the measured curve gains at most"
                    + " %.2fx over batches of %.0f)",
                curve.gain(meanBatch),
                Math.max(1, meanBatch));
        evidence.add("measured batch curve (" + curve.source() + "): " + curve.text());
      } else {
        action =
            batches
                ? String.format(
                    Locale.ROOT,
                    "raise --max-batch-size (batches formed now average %.1f rows) or --workers",
                    meanBatch)
                : "raise --workers (now every request waits for a compute slot), or turn on"
                    + " dynamic batching with --max-batch-size 8";
        evidence.add(
            String.format(
                Locale.ROOT,
                "expected gain: up to %s ms per request if the queue were drained; for an"
                    + " estimate from the batch curve run gpux batch benchmark %s --batch-sizes"
                    + " 1,8,32",
                ms(queue),
                m.getKey()));
      }
      out.add(
          new Insight(
              "queue-dominates",
              Insight.Severity.WARNING,
              m.getKey(),
              m.getValue(),
              String.format(
                  Locale.ROOT,
                  "requests wait %s ms in the queue for %s ms of compute (%.0f%% of their time)",
                  ms(queue),
                  ms(compute),
                  queue / (queue + compute) * 100),
              evidence,
              action,
              from,
              in.now()));
    }
    return out;
  }

  List<Insight> batchingDoesNothing(Input in) {
    List<Insight> out = new ArrayList<>();
    Instant from = in.now().minus(t.window());
    for (Map.Entry<String, String> m : currentVersions(in).entrySet()) {
      Totals r = Totals.of(rows(in.samples(), m.getKey(), m.getValue(), from, in.now()));
      if (r.requests() < t.minRequests() || r.sum.batches() == 0) {
        continue;
      }
      double meanBatch = r.sum.batchRows() / (double) r.sum.batches();
      if (meanBatch > 1.1 || r.sum.inflightPeak() < 2) {
        continue;
      }
      out.add(
          new Insight(
              "batching-does-nothing",
              Insight.Severity.ADVICE,
              m.getKey(),
              m.getValue(),
              String.format(
                  Locale.ROOT,
                  "dynamic batching forms batches of %.2f rows on average with up to %d requests"
                      + " in flight",
                  meanBatch,
                  r.sum.inflightPeak()),
              List.of(
                  String.format(
                      Locale.ROOT,
                      "%d model runs for %d rows in the last %s",
                      r.sum.batches(),
                      r.sum.batchRows(),
                      Retention.text(t.window()))),
              "raise --batch-delay-ms so concurrent requests meet (e.g. --batch-delay-ms 5), or"
                  + " turn batching off with --max-batch-size 1",
              from,
              in.now()));
    }
    return out;
  }

  /** Whether {@code gpux serve} said this version's first dimension is fixed. */
  private static boolean cannotBatch(Input in, String model, String version) {
    return in.events().stream()
        .anyMatch(
            e ->
                e.kind().equals(CANNOT_BATCH)
                    && e.model().equals(model)
                    && e.version().equals(version));
  }

  List<Insight> cannotBatch(Input in) {
    List<Insight> out = new ArrayList<>();
    Instant from = in.now().minus(t.window());
    for (Map.Entry<String, String> m : currentVersions(in).entrySet()) {
      if (!cannotBatch(in, m.getKey(), m.getValue())) {
        continue;
      }
      Totals r = Totals.of(rows(in.samples(), m.getKey(), m.getValue(), from, in.now()));
      if (r.requests() < t.minRequests() || r.sum.inflightPeak() < 2) {
        continue; // one request at a time: batching would have nothing to join
      }
      double queue = r.queueMs();
      double compute = r.computeMs();
      // Only when the waiting is worth acting on: a quarter of the request's time or more.
      if (!(queue / (queue + compute) >= t.queueShare() / 2)) {
        continue;
      }
      out.add(
          new Insight(
              "cannot-batch",
              Insight.Severity.ADVICE,
              m.getKey(),
              m.getValue(),
              String.format(
                  Locale.ROOT,
                  "%s cannot batch (its first dimension is fixed): %d requests in flight at once"
                      + " waited %s ms each for %s ms of compute",
                  m.getKey(),
                  r.sum.inflightPeak(),
                  ms(queue),
                  ms(compute)),
              List.of(
                  String.format(
                      Locale.ROOT,
                      "%d requests in the last %s, each its own model run (gpux inspect %s shows"
                          + " the fixed input shapes)",
                      r.requests(),
                      Retention.text(t.window()),
                      m.getKey())),
              "raise --workers so more requests run at once, or re-export the model with a"
                  + " dynamic first dimension (torch.onnx.export dynamic_axes={\"x\": {0:"
                  + " \"batch\"}}) and serve it with --max-batch-size 8",
              from,
              in.now()));
    }
    return out;
  }

  /**
   * A model's batch curve: the newest measurement at each batch size on the provider it is served
   * on, rows per second each, from {@link Input#benchmarks()}.
   */
  record Curve(List<Point> points, String source) {
    record Point(long batch, double medianMs) {
      double rowsPerSecond() {
        return batch * 1000 / medianMs;
      }
    }

    /** Null unless two batch sizes or more were measured of this model on the served provider. */
    static Curve of(List<BenchmarkRow> rows, String model, List<Sample> served) {
      String provider = served.isEmpty() ? null : served.get(served.size() - 1).provider();
      java.util.TreeMap<Long, BenchmarkRow> newest = new java.util.TreeMap<>();
      for (BenchmarkRow b : rows) {
        if (b.medianMs() > 0
            && names(b.model()).contains(model)
            && (provider == null || sameProvider(provider, b.provider()))) {
          newest.put(b.batchSize(), b); // rows come oldest first: the newest stays
        }
      }
      if (newest.size() < 2) {
        return null;
      }
      List<Point> points =
          newest.values().stream().map(b -> new Point(b.batchSize(), b.medianMs())).toList();
      BenchmarkRow last =
          newest.values().stream().max(Comparator.comparing(BenchmarkRow::measuredAt)).get();
      String source =
          (last.source() == null ? "benchmark" : "gpux " + last.source())
              + (last.machine() == null ? "" : " on " + last.machine().cpuModel())
              + ", "
              + CLOCK.format(last.measuredAt());
      return new Curve(points, source);
    }

    /** The batch size serving the most rows per second. */
    Point best() {
      return points.stream().max(Comparator.comparingDouble(Point::rowsPerSecond)).get();
    }

    /**
     * How many times the rows per second of batches of {@code now} rows the best batch size serves:
     * {@code now} read off the curve at the largest measured size not above it.
     */
    double gain(double now) {
      Point at = points.get(0);
      for (Point p : points) {
        if (p.batch() <= Math.max(1, now) + 1e-9) {
          at = p;
        }
      }
      return best().rowsPerSecond() / at.rowsPerSecond();
    }

    String text() {
      List<String> parts = new ArrayList<>();
      for (Point p : points) {
        parts.add(
            String.format(
                Locale.ROOT,
                "batch %d %s ms (%.0f rows/s)",
                p.batch(),
                ms(p.medianMs()),
                p.rowsPerSecond()));
      }
      return String.join(", ", parts);
    }

    /** What a served name may have been benchmarked as: the reference, its name, its last part. */
    static List<String> names(String reference) {
      String r = reference;
      int at = r.indexOf('@');
      if (at > 0) {
        r = r.substring(0, at);
      }
      int colon = r.indexOf(':');
      String name = colon > 0 && !r.substring(0, colon).contains("/") ? r.substring(colon + 1) : r;
      while (name.endsWith("/")) {
        name = name.substring(0, name.length() - 1);
      }
      String last = name.substring(name.lastIndexOf('/') + 1);
      if (last.endsWith(".onnx")) {
        last = last.substring(0, last.length() - 5);
      }
      return List.of(reference, name, last);
    }

    /** CPUExecutionProvider and cpu are one provider (compare keeps the short name). */
    static boolean sameProvider(String a, String b) {
      return b != null && norm(a).equals(norm(b));
    }

    private static String norm(String p) {
      return p.toLowerCase(Locale.ROOT).replace("executionprovider", "");
    }
  }

  List<Insight> errorSpikes(Input in) {
    List<Insight> out = new ArrayList<>();
    Instant from = in.now().minus(t.window());
    Instant baselineFrom = from.minus(t.window().multipliedBy(4));
    for (Map.Entry<String, String> m : currentVersions(in).entrySet()) {
      Totals r = Totals.of(rows(in.samples(), m.getKey(), null, from, in.now()));
      Totals base = Totals.of(rows(in.samples(), m.getKey(), null, baselineFrom, from));
      if (r.requests() < t.minRequests()) {
        continue;
      }
      String[] kinds = {"bad_input", "model", "overload"};
      long[] recent = {r.sum.badInput(), r.sum.modelErrors(), r.sum.overload()};
      long[] before =
          base.sum == null
              ? new long[3]
              : new long[] {base.sum.badInput(), base.sum.modelErrors(), base.sum.overload()};
      for (int k = 0; k < 3; k++) {
        double rate = recent[k] / (double) r.requests();
        double baseRate = base.requests() == 0 ? 0 : before[k] / (double) base.requests();
        if (recent[k] < 5 || rate < t.errorRate() || rate < 3 * baseRate) {
          continue;
        }
        String action =
            switch (kinds[k]) {
              case "bad_input" ->
                  "check what clients send against the model's inputs: gpux inspect " + m.getKey();
              case "model" ->
                  "the model run fails: reproduce with gpux run "
                      + m.getKey()
                      + " --debug, or roll back if a new version brought it";
              default -> "raise --workers or --memory-budget, or add a replica behind the balancer";
            };
        out.add(
            new Insight(
                "error-spike",
                Insight.Severity.WARNING,
                m.getKey(),
                m.getValue(),
                String.format(
                    Locale.ROOT,
                    "%s errors: %.1f%% of requests in the last %s (%.1f%% before)",
                    kinds[k],
                    rate * 100,
                    Retention.text(t.window()),
                    baseRate * 100),
                List.of(
                    String.format(
                        Locale.ROOT,
                        "%d of %d requests failed as %s; %d of %d in the %s before",
                        recent[k],
                        r.requests(),
                        kinds[k],
                        before[k],
                        base.requests(),
                        Retention.text(t.window().multipliedBy(4)))),
                action,
                baselineFrom,
                in.now()));
      }
    }
    return out;
  }

  List<Insight> cpuFallback(Input in) {
    Map<String, Event> latest = new LinkedHashMap<>();
    for (Event e : in.events()) {
      latest.put(e.model(), e);
    }
    List<Insight> out = new ArrayList<>();
    for (Event e : latest.values()) {
      String asked = e.requestedProvider();
      if (asked == null
          || asked.toLowerCase(Locale.ROOT).startsWith("cpu")
          || e.provider() == null
          || !e.provider().toLowerCase(Locale.ROOT).startsWith("cpu")) {
        continue;
      }
      out.add(
          new Insight(
              "cpu-fallback",
              Insight.Severity.WARNING,
              e.model(),
              e.version(),
              e.model() + " runs on " + e.provider() + " although " + asked + " was asked for",
              List.of("served since " + CLOCK.format(e.at()) + " on " + e.provider()),
              "see why the provider failed with gpux providers, or refuse to fall back with"
                  + " --no-fallback",
              e.at(),
              in.now()));
    }
    return out;
  }

  List<Insight> memoryNearLimit(Input in) {
    Instant from = in.now().minus(t.window());
    Sample last = null;
    for (Sample s : in.samples()) {
      if (!s.at().isBefore(from) && s.memoryLimitBytes() > 0) {
        last = last == null || s.rssBytes() > last.rssBytes() ? s : last;
      }
    }
    if (last == null || last.rssBytes() < t.memory() * last.memoryLimitBytes()) {
      return List.of();
    }
    return List.of(
        new Insight(
            "memory-near-limit",
            Insight.Severity.WARNING,
            null,
            null,
            String.format(
                Locale.ROOT,
                "the server used %s of its %s memory limit (%.0f%%)",
                ByteSizes.human(last.rssBytes()),
                ByteSizes.human(last.memoryLimitBytes()),
                100.0 * last.rssBytes() / last.memoryLimitBytes()),
            List.of("peak resident memory in the last " + Retention.text(t.window())),
            "give the process more memory (the container's limit), serve fewer models per"
                + " process, or lower --memory-budget so requests get 503 before the process dies",
            from,
            in.now()));
  }

  List<Insight> idleModels(Input in) {
    Map<String, Instant> lastServed = new LinkedHashMap<>();
    for (Sample s : in.samples()) {
      if (s.requests() > 0) {
        lastServed.merge(s.model(), s.at(), (a, b) -> a.isAfter(b) ? a : b);
      }
    }
    List<Insight> out = new ArrayList<>();
    Instant cut = in.now().minus(t.idle());
    for (StoredModel m : in.stored()) {
      Instant used = m.pulledAt();
      for (String name : m.servedAs()) {
        Instant s = lastServed.get(name);
        if (s != null && s.isAfter(used)) {
          used = s;
        }
      }
      if (used.isAfter(cut)) {
        continue;
      }
      out.add(
          new Insight(
              "idle",
              Insight.Severity.ADVICE,
              m.reference(),
              null,
              String.format(
                  Locale.ROOT,
                  "%s has not been served for %d days and takes %s",
                  m.reference(),
                  Duration.between(used, in.now()).toDays(),
                  ByteSizes.human(m.sizeBytes())),
              List.of("last used " + CLOCK.format(used)),
              "gpux rm " + m.reference() + " (frees up to " + ByteSizes.human(m.sizeBytes()) + ")",
              null,
              null));
    }
    return out;
  }

  List<Insight> outdated(Input in) {
    List<Insight> out = new ArrayList<>();
    for (Outdated o : in.outdated()) {
      out.add(
          new Insight(
              "outdated",
              Insight.Severity.ADVICE,
              o.reference(),
              o.local(),
              o.reference() + " moved upstream: " + o.local() + " → " + o.remote(),
              List.of("gpux outdated " + o.reference()),
              "gpux update " + o.reference(),
              null,
              null));
    }
    return out;
  }

  private static String ms(double v) {
    return Double.isNaN(v)
        ? "-"
        : String.format(Locale.ROOT, v >= 100 ? "%.0f" : v >= 10 ? "%.1f" : "%.2f", v);
  }
}
