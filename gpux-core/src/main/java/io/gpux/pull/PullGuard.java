package io.gpux.pull;

import io.gpux.registry.ResolvedModel;
import io.gpux.store.ManifestFile;
import java.util.List;

/**
 * A last check of a pull before the store takes its files: a lockfile restore refuses bytes that
 * are not the locked ones. It throws a {@link io.gpux.error.GpuxException} to refuse.
 */
@FunctionalInterface
public interface PullGuard {
  PullGuard NONE = (model, files) -> {};

  /**
   * @param files every file the registry listed for the version, with the sha256 verified by the
   *     download (or known from the store), in the registry's order; no derived files
   */
  void check(ResolvedModel model, List<ManifestFile> files);
}
