package io.gpux.batch;

import io.gpux.inference.InferenceModel;
import io.gpux.project.Project;
import io.gpux.runtime.RuntimeOptions;

/**
 * How a batch finds, opens and frees models; the library's facade provides it (pulling through
 * {@code Models.pull}, loading through its session factory), so this package stays below it.
 */
public interface ModelAccess {
  /**
   * The project behind a reference, pulling it first when it is a registry model missing from the
   * store and {@code pull} is set.
   *
   * @throws io.gpux.error.GpuxException when it is not found, or missing and not to be pulled
   */
  Project locate(String reference, boolean pull);

  /** A session of the caller's own (not shared, not cached): the batch closes it when done. */
  InferenceModel open(Project project, RuntimeOptions options);
}
