package io.gpux;

import io.gpux.batch.BatchBenchmark;
import io.gpux.batch.BatchJob;
import io.gpux.batch.BatchListener;
import io.gpux.batch.BatchPullOptions;
import io.gpux.batch.BatchPullReport;
import io.gpux.batch.BatchPuller;
import io.gpux.batch.BatchRunOptions;
import io.gpux.batch.BatchRunReport;
import io.gpux.batch.BatchRunner;
import io.gpux.batch.ModelAccess;
import io.gpux.batch.ModelList;
import io.gpux.index.BenchmarkTables;
import io.gpux.inference.InferenceModel;
import io.gpux.lock.LockRestorer;
import io.gpux.project.Project;
import io.gpux.pull.InFlightBlobs;
import io.gpux.pull.ModelPuller;
import io.gpux.registry.PullOptions;
import io.gpux.runtime.RuntimeOptions;
import io.gpux.transfer.TransferListener;
import java.io.Writer;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Many models at once ({@code gpux batch}): the list a batch works on, read with the installed
 * registries' grammars, and the three operations over it: {@link #pull} (every model into the
 * store), {@link #run} (every model over every line of a JSONL file, within a memory budget,
 * sharded, resumable: {@link BatchRunner}) and {@link #benchmark} ({@link BatchBenchmark}). Get it
 * from {@link Gpux#batch()}.
 *
 * <p>Models a run needs that the store lacks are pulled through {@link Models#pull}, the same pull
 * {@code gpux run} does; a run's sessions are the batch's own (not the facade's cache), so each
 * closes when its model's work is done.
 */
public final class Batch {
  private final Resources resources;
  private final Models models;
  private final Function<String, Project> projects;
  private final BiFunction<Project, RuntimeOptions, InferenceModel> open;
  private final ModelAccess access;

  /**
   * @param projects finds a model's project by reference, as {@link Gpux#project} does
   * @param open opens a session the batch owns (not the facade's shared cache)
   */
  Batch(
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

  /**
   * A new list of references: add arguments, list files ({@code -f}), standard input and lockfiles
   * to it, then {@link ModelList.Builder#build()}. Relative paths are resolved against the working
   * directory; a lockfile's models become their exact references.
   */
  public ModelList.Builder list() {
    return ModelList.builder(
        resources.workingDirectory,
        models::reference,
        m -> resources.registries().exactReference(m.registry(), m.name(), m.version()));
  }

  /**
   * {@code gpux batch pull}: every model of {@code list} into the store, {@code options.jobs()} at
   * a time on the process's one transfer engine (its per-host limits hold for the whole batch), the
   * next models' metadata fetched while the current ones download, a file several models share
   * fetched once. A model that fails is reported in the result and the others go on (unless {@code
   * options.failFast()}); models the store already has cost at most one metadata request. Events go
   * to {@code listener} as they happen.
   */
  public BatchPullReport pull(ModelList list, BatchPullOptions options, BatchListener listener) {
    ModelPuller puller = models.puller().sharing(new InFlightBlobs());
    LockRestorer restorer = models.restorer(puller);
    return new BatchPuller(
            resources.registries(),
            resources::store,
            puller,
            restorer,
            models::findStored,
            resources.settings.offline())
        .pull(list, options, listener);
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
   * Times each model as {@code gpux run --benchmark} does, one after another, at each of {@code
   * options.batchSizes()}. Keep the results in the history with {@link Monitor#record} (the
   * commands do, unless {@code --no-history}).
   */
  public List<BatchBenchmark.Result> benchmark(
      List<String> models, BatchBenchmark.Options options, Consumer<BatchBenchmark.Result> each) {
    return new BatchBenchmark(access, options).run(models, each);
  }

  /** What the history keeps of benchmarks of {@code model} (null: all), oldest first. */
  public List<BenchmarkTables.BenchmarkRow> benchmarks(String model) {
    return resources.store().benchmarks(model);
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
