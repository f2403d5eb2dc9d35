package io.gpux;

import io.gpux.error.GpuxException;
import io.gpux.pull.ModelPuller;
import io.gpux.ref.ModelRef;
import io.gpux.transfer.TransferListener;
import io.gpux.versions.HistoryEntry;
import io.gpux.versions.LocalName;
import io.gpux.versions.ModelCheck;
import io.gpux.versions.UpdateOutcome;
import io.gpux.versions.VersionTracker;
import java.nio.file.Files;
import java.util.List;

/**
 * Stored models' versions over time, by reference: {@code gpux outdated}, {@code update}, {@code
 * pin}, {@code unpin}, {@code rollback}, {@code history}. Get it from {@link Gpux#versions()}; the
 * package {@link io.gpux.versions} explains local names and exact versions.
 */
public final class Versions {
  private final Resources resources;
  private final Models models;

  Versions(Resources resources, Models models) {
    this.resources = resources;
    this.models = models;
  }

  private VersionTracker tracker() {
    if (!Files.isDirectory(resources.settings.home())) {
      throw GpuxException.notFound(
          "the store at " + resources.settings.home() + " is empty",
          "`gpux pull REFERENCE` fetches a model into it");
    }
    return new VersionTracker(
        resources.registries(),
        resources::store,
        () ->
            new ModelPuller(
                    resources.registries(),
                    resources.store(),
                    resources.transfer(),
                    resources.settings.clock())
                .converter(resources.pullConverter()));
  }

  private List<ModelRef> refs(List<String> references) {
    return references.stream().map(models::reference).toList();
  }

  /**
   * {@code gpux outdated}: each local name the references name (every stored model when none)
   * against what its registry's name points to now; metadata only, concurrently, a registry that
   * cannot be reached reported per model.
   */
  public List<ModelCheck> outdated(List<String> references) {
    if (references.isEmpty() && !Files.isDirectory(resources.settings.home())) {
      return List.of(); // no store yet: nothing is outdated
    }
    return tracker().outdated(refs(references));
  }

  /**
   * {@code gpux update}: moves the local names the references name (every one when none) to what
   * their registries' names point to now, fetching only files whose digest the store lacks; the
   * previous versions stay. Pinned names are skipped. {@code dryRun} only checks.
   */
  public List<UpdateOutcome> update(
      List<String> references, boolean dryRun, TransferListener listener) {
    if (references.isEmpty() && !Files.isDirectory(resources.settings.home())) {
      return List.of();
    }
    return tracker().update(refs(references), dryRun, listener);
  }

  /**
   * {@code gpux pin REF[@VERSION]}: pins a local name at its version, or at {@code version} (also
   * given as the reference's version when the model has one local name).
   */
  public VersionTracker.Moved pin(String reference, String version) {
    return tracker().pin(models.reference(reference), version);
  }

  /** {@code gpux unpin REF}. */
  public LocalName unpin(String reference) {
    return tracker().unpin(models.reference(reference));
  }

  /**
   * {@code gpux rollback REF [--to VERSION]}: the local name goes back to the version it pointed to
   * before its last move, or to {@code version}; both stay in the store.
   */
  public VersionTracker.Moved rollback(String reference, String version) {
    return tracker().rollback(models.reference(reference), version);
  }

  /** {@code gpux history REF}: the model's local timeline, oldest first. */
  public List<HistoryEntry> history(String reference) {
    return tracker().history(models.reference(reference));
  }

  /** The local names of the model a reference names (all its names), with their versions. */
  public List<LocalName> localNames(String reference) {
    ModelRef ref = models.reference(reference);
    if (ref.registry() == null || !Files.isDirectory(resources.settings.home())) {
      return List.of();
    }
    return tracker().localNames(ref.registry(), ref.name());
  }
}
