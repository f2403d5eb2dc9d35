package io.gpux;

import io.gpux.batch.BatchBenchmark;
import io.gpux.batch.BatchJob;
import io.gpux.batch.BatchRunOptions;
import io.gpux.batch.BatchRunReport;
import io.gpux.batch.BatchRunner;
import io.gpux.batch.ModelAccess;
import io.gpux.benchmark.LatencyStats;
import io.gpux.index.BenchmarkTables;
import io.gpux.inference.InferenceModel;
import io.gpux.project.Project;
import io.gpux.registry.PullOptions;
import io.gpux.runtime.RuntimeOptions;
import io.gpux.transfer.TransferListener;
import java.io.Writer;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Running many models at once: {@code gpux batch run} (every model over every line of a JSONL file,
 * within a memory budget, sharded, resumable: {@link BatchRunner}) and {@code gpux batch benchmark}
 * ({@link BatchBenchmark}). Models missing from the store are pulled through {@link Models#pull},
 * the same pull {@code gpux run} does; sessions are the batch's own (not the facade's cache), so
 * each closes when its model's work is done.
 */
public final class BatchRuns {
  private final Resources resources;
  private final Models models;
  private final Function<String, Project> projects;
  private final BiFunction<Project, RuntimeOptions, InferenceModel> open;
  private final ModelAccess access;

  /**
   * @param projects finds a model's project by reference, as {@link Gpux#project} does
   * @param open opens a session the batch owns (not the facade's shared cache)
   */
  BatchRuns(
      Resources resources,
      Models models,
      Function<String, Project> projects,
      BiFunction<Project, RuntimeOptions, InferenceModel> open) {
    this.resources = resources;
    this.models = models;
    this.projects = projects;
    this.open = open;
    this.access = new Access();
  }

  /** A runner for these options; its {@link BatchRunner#budget()} shows the sessions open. */
  public BatchRunner runner(BatchRunOptions options) {
    return new BatchRunner(access, options);
  }

  /** Runs the jobs (see {@link BatchRunner#run}). */
  public BatchRunReport run(
      List<BatchJob> jobs, BatchRunOptions options, Writer stdout, BatchRunner.Listener listener) {
    return runner(options).run(jobs, stdout, listener);
  }

  /**
   * Times each model as {@code gpux run --benchmark} does, one after another, and keeps every
   * measurement in the index database's {@code benchmarks} table (see {@link #benchmarks}).
   */
  public List<BatchBenchmark.Result> benchmark(
      List<String> models, BatchBenchmark.Options options, Consumer<BatchBenchmark.Result> each) {
    return new BatchBenchmark(access, options)
        .run(
            models,
            r -> {
              if (r.stats() != null) {
                resources.store().recordBenchmark(row(r, options));
              }
              each.accept(r);
            });
  }

  /** What {@code gpux batch benchmark} measured of {@code model} (null: all), oldest first. */
  public List<BenchmarkTables.BenchmarkRow> benchmarks(String model) {
    return resources.store().benchmarks(model);
  }

  private BenchmarkTables.BenchmarkRow row(BatchBenchmark.Result r, BatchBenchmark.Options o) {
    LatencyStats s = r.stats();
    return new BenchmarkTables.BenchmarkRow(
        resources.settings.clock().instant(),
        r.model(),
        r.modelFile() == null ? null : r.modelFile().toString(),
        r.provider(),
        r.batchSize(),
        o.warmup(),
        s.runs(),
        s.meanMs(),
        s.medianMs(),
        s.p95Ms(),
        s.p99Ms(),
        s.minMs(),
        s.maxMs(),
        s.throughputPerSecond(),
        GpuxVersion.VALUE,
        machine(),
        "batch benchmark");
  }

  /** This machine, as benchmark rows record it. */
  static BenchmarkTables.Machine machine() {
    return new BenchmarkTables.Machine(
        io.gpux.benchmark.MachineFingerprint.cpuModel(),
        io.gpux.benchmark.MachineFingerprint.cores(),
        io.gpux.runtime.SessionFactory.onnxRuntimeVersion());
  }

  /** Finds (pulling when allowed and missing) and opens models for a batch. */
  private final class Access implements ModelAccess {
    @Override
    public Project locate(String reference, boolean pull) {
      if (pull && models.needsPull(reference)) {
        models.pull(reference, PullOptions.defaults(), TransferListener.NONE);
      }
      return projects.apply(reference);
    }

    @Override
    public InferenceModel open(Project project, RuntimeOptions options) {
      return open.apply(project, options);
    }
  }
}
