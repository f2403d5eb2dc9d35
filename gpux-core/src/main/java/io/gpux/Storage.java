package io.gpux;

import io.gpux.store.DiskUsage;
import io.gpux.store.ManifestFile;
import io.gpux.store.PruneReport;
import io.gpux.store.VerifyReport;
import io.gpux.store.VersionManifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The local store's administration: what is stored, disk use, pruning, verification. Get it from
 * {@link Gpux#storage()}; models by reference are {@link Gpux#models()}.
 */
public final class Storage {
  private final Resources resources;

  private final Models models;

  Storage(Resources resources, Models models) {
    this.resources = resources;
    this.models = models;
  }

  /** Where the store lives ({@code GPUX_HOME}). */
  public Path home() {
    return resources.settings.home();
  }

  /** One stored version, with the tags pointing at it and how to name it exactly. */
  public record StoredModel(VersionManifest manifest, List<String> tags, String reference) {
    public long sizeBytes() {
      return manifest.files().stream().mapToLong(ManifestFile::size).sum();
    }
  }

  /** {@code gpux list}: every stored version, newest pull first; empty when there is no store. */
  public List<StoredModel> list() {
    if (!Files.isDirectory(home()) && !resources.sharedIndex()) {
      return List.of();
    }
    // Every tag in one query, not one per version: on a PostgreSQL index each query is a round
    // trip (bench/index.sh). The rows come sorted by model and tag, as tagsOf sorts them.
    java.util.Map<List<String>, List<String>> tags = new java.util.HashMap<>();
    for (io.gpux.index.TagTables.TagRow t : resources.store().localNames(null, null)) {
      tags.computeIfAbsent(List.of(t.registry(), t.name(), t.version()), k -> new ArrayList<>())
          .add(t.tag());
    }
    List<StoredModel> out = new ArrayList<>();
    for (VersionManifest m : resources.store().list()) {
      out.add(
          new StoredModel(
              m,
              List.copyOf(
                  tags.getOrDefault(List.of(m.registry(), m.name(), m.version()), List.of())),
              models.exactReference(m)));
    }
    return out;
  }

  /** {@code gpux df}: bytes on disk, in use, unique and shared per version, partial downloads. */
  public DiskUsage diskUsage() {
    return resources.store().diskUsage();
  }

  /**
   * {@code gpux prune}: deletes files no version uses and partial downloads that cannot be resumed.
   * Unused files younger than the grace period stay (a pull running now may be about to use them)
   * unless {@code now}; the report says what was kept and until when.
   */
  public PruneReport prune(boolean dryRun, boolean now) {
    return resources.store().prune(dryRun, now);
  }

  /** {@code gpux verify}: re-hashes every stored file against its manifest. */
  public VerifyReport verify() {
    return resources.store().verify();
  }
}
