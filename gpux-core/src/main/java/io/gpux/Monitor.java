package io.gpux;

import io.gpux.index.BenchmarkTables;
import io.gpux.metrics.InferenceMetrics;
import io.gpux.monitor.Dashboard;
import io.gpux.monitor.History;
import io.gpux.monitor.HistoryRecorder;
import io.gpux.monitor.Insight;
import io.gpux.monitor.InsightRules;
import io.gpux.versions.ModelCheck;
import io.gpux.versions.Status;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Monitoring ({@link io.gpux.monitor}): the stored history {@code gpux serve} records, the insights
 * over it and the store ({@code gpux insights}), and the dashboard ({@code gpux dashboard}, {@code
 * /dashboard} on {@code gpux serve}).
 */
public final class Monitor {
  private final Resources resources;
  private final Storage storage;
  private final Versions versions;

  Monitor(Resources resources, Storage storage, Versions versions) {
    this.resources = resources;
    this.storage = storage;
    this.versions = versions;
  }

  /**
   * Opens the history of the current workspace in the store's index database (created, and
   * migrated, with the store). The caller closes it. A history that cannot be opened (or a
   * workspace that does not exist) throws a {@link io.gpux.error.GpuxException}: the server reports
   * it and serves without history.
   */
  public History openHistory() {
    // The store's own opening migrates the index (or rebuilds a lost one) and checks the workspace.
    String workspace = resources.store().workspace();
    return History.open(resources.settings.home(), resources.settings.env(), workspace);
  }

  /** A recorder of {@code metrics} into {@code history}; call {@link HistoryRecorder#start}. */
  public HistoryRecorder recorder(
      History history,
      InferenceMetrics metrics,
      HistoryRecorder.Settings settings,
      Consumer<String> warn) {
    return new HistoryRecorder(history, metrics, settings, resources.settings.clock(), warn);
  }

  /**
   * The insights now: the rules over the history and the store. With {@code checkUpdates}, each
   * stored model's movable name is asked of its registry as {@code gpux outdated} does (network);
   * without it, no registry is asked.
   */
  public List<Insight> insights(
      History history, InsightRules.Thresholds thresholds, boolean checkUpdates) {
    Instant now = resources.settings.clock().instant();
    // The longest any rule looks back: the regression's window before its switch, the
    // error-spike baseline, or a day (a switch earlier today is still worth telling).
    Instant from = now.minus(Duration.ofDays(1)).minus(thresholds.window().multipliedBy(5));
    List<InsightRules.StoredModel> stored = new ArrayList<>();
    for (Storage.StoredModel m : storage.list()) {
      String name = m.manifest().name();
      stored.add(
          new InsightRules.StoredModel(
              m.reference(),
              m.sizeBytes(),
              m.manifest().pulledAt(),
              List.of(name, name.substring(name.lastIndexOf('/') + 1), m.reference())));
    }
    List<InsightRules.Outdated> outdated = new ArrayList<>();
    if (checkUpdates) {
      for (ModelCheck c : versions.outdated(List.of())) {
        if (c.status() == Status.OUTDATED) {
          outdated.add(new InsightRules.Outdated(c.ref(), c.local(), c.remote()));
        }
      }
    }
    return new InsightRules(thresholds)
        .run(
            new InsightRules.Input(
                now,
                history.between(from, now.plusSeconds(1), null),
                history.events(),
                stored,
                outdated,
                resources.store().benchmarks(null)));
  }

  /**
   * What {@code gpux batch benchmark} and {@code gpux run --benchmark} measured (null: all) in the
   * current workspace.
   */
  public List<BenchmarkTables.BenchmarkRow> benchmarks(String model) {
    return resources.store().benchmarks(model);
  }

  /**
   * The dashboard over {@code history}; {@code live} when samples are being recorded now (the page
   * then follows {@code /events}).
   */
  public Dashboard dashboard(History history, boolean live) {
    return new Dashboard(
        history,
        () -> insights(history, InsightRules.Thresholds.DEFAULT, false),
        this::benchmarks,
        resources.settings.clock(),
        live,
        Duration.ofSeconds(2));
  }

  /**
   * A measurement as the history keeps it, now, with this GPUX's version: what {@code gpux run
   * --benchmark}, {@code gpux batch run}, {@code gpux batch benchmark} and {@code gpux compare
   * --measure} timed of {@code model} (as given) at {@code batchSize} rows a call. {@link #record}
   * adds the machine.
   */
  public BenchmarkTables.BenchmarkRow measurement(
      String model,
      String modelFile,
      String provider,
      long batchSize,
      int warmup,
      io.gpux.benchmark.LatencyStats s) {
    return new BenchmarkTables.BenchmarkRow(
        resources.settings.clock().instant(),
        model,
        modelFile,
        provider,
        batchSize,
        warmup,
        s.runs(),
        s.meanMs(),
        s.medianMs(),
        s.p95Ms(),
        s.p99Ms(),
        s.minMs(),
        s.maxMs(),
        s.throughputPerSecond(),
        GpuxVersion.VALUE,
        null,
        null);
  }

  /**
   * Keeps {@code rows} in the history (the index's {@code benchmarks} table), each tagged with this
   * machine's fingerprint (CPU model, cores, ONNX Runtime; the provider is the row's own) and the
   * command that measured it ({@code source}, e.g. {@code "batch run"}), so versions, models and
   * machines compare later; they go into the current workspace's history, as {@code gpux serve}'s
   * samples do. The one place every recording command keeps its results. A history that cannot be
   * stored is no failure of the command that measured: {@code warn} is told why (a line without the
   * {@code gpux: warning:} prefix) and false is returned; the rows are lost.
   */
  public boolean record(
      List<BenchmarkTables.BenchmarkRow> rows, String source, Consumer<String> warn) {
    if (rows.isEmpty()) {
      return true;
    }
    try {
      BenchmarkTables.Machine machine = Batch.machine();
      var store = resources.store();
      for (BenchmarkTables.BenchmarkRow r : rows) {
        store.recordBenchmark(r.withMachine(machine, source));
      }
      return true;
    } catch (io.gpux.error.GpuxException e) {
      warn.accept(
          "the results were not kept in the history: "
              + e.problem()
              + " (--no-history skips keeping them)");
      return false;
    } catch (RuntimeException e) {
      warn.accept(
          "the results were not kept in the history: "
              + e.getMessage()
              + " (--no-history skips keeping them)");
      return false;
    }
  }
}
