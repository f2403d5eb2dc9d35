package io.gpux;

import io.gpux.batch.ModelList;

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
}
