package io.gpux;

import io.gpux.batch.BatchListener;
import io.gpux.batch.BatchPullOptions;
import io.gpux.batch.BatchPullReport;
import io.gpux.batch.BatchPuller;
import io.gpux.batch.ModelList;
import io.gpux.lock.LockRestorer;
import io.gpux.pull.InFlightBlobs;
import io.gpux.pull.ModelPuller;

/**
 * Many models at once ({@code gpux batch}): the list a batch works on, read with the installed
 * registries' grammars, and the batch operations over it. Get it from {@link Gpux#batch()}.
 */
public final class Batch {
  private final Resources resources;
  private final Models models;

  Batch(Resources resources, Models models) {
    this.resources = resources;
    this.models = models;
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
    ModelPuller puller =
        new ModelPuller(
                resources.registries(),
                resources::store,
                resources.transfer(),
                resources.settings.clock())
            .pulledBy(GpuxVersion.VALUE)
            .sharing(new InFlightBlobs());
    LockRestorer restorer =
        new LockRestorer(
            resources.registries(), resources::store, puller, resources.settings.offline());
    return new BatchPuller(
            resources.registries(),
            resources::store,
            puller,
            restorer,
            models::findStored,
            resources.settings.offline())
        .pull(list, options, listener);
  }
}
