package io.gpux.store;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What {@code prune} deleted or, in a dry run, would delete.
 *
 * @param blobs digests of blobs no manifest references
 * @param partials names (inside {@code tmp/}) of stale downloads and temporary files
 * @param leftovers other debris, relative to the store's home: temporary manifests and snapshot
 *     folders of interrupted writes, snapshots of removed versions
 * @param bytes what all of it takes on disk
 * @param kept unreferenced blobs left alone because they are younger than the grace period
 */
public record PruneReport(
    boolean dryRun,
    List<String> blobs,
    List<String> partials,
    List<String> leftovers,
    long bytes,
    Kept kept) {
  public PruneReport {
    blobs = List.copyOf(blobs);
    partials = List.copyOf(partials);
    leftovers = List.copyOf(leftovers);
    kept = kept == null ? Kept.NONE : kept;
  }

  public PruneReport(
      boolean dryRun,
      List<String> blobs,
      List<String> partials,
      List<String> leftovers,
      long bytes) {
    this(dryRun, blobs, partials, leftovers, bytes, Kept.NONE);
  }

  /**
   * Files no version uses that prune kept: a pull may have stored them and be about to record the
   * version that uses them (a version just removed leaves its files in the same state).
   *
   * @param blobs how many
   * @param bytes their size
   * @param until when the last of them becomes old enough to prune; null when none was kept
   * @param grace how old an unused file must be before prune deletes it
   */
  public record Kept(int blobs, long bytes, Instant until, Duration grace) {
    static final Kept NONE = new Kept(0, 0, null, Duration.ZERO);
  }

  @Override
  public String toString() {
    return (dryRun ? "would free " : "freed ")
        + bytes
        + " bytes: "
        + blobs.size()
        + " unreferenced blob(s), "
        + partials.size()
        + " stale temporary file(s), "
        + leftovers.size()
        + " leftover(s)";
  }
}
