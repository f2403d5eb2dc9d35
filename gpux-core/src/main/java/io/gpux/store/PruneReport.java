package io.gpux.store;

import java.util.List;

/**
 * What {@code prune} deleted or, in a dry run, would delete.
 *
 * @param blobs digests of blobs no manifest references
 * @param partials names (inside {@code tmp/}) of stale downloads and temporary files
 * @param leftovers other debris, relative to the store's home: temporary manifests and snapshot
 *     folders of interrupted writes, snapshots of removed versions
 * @param bytes what all of it takes on disk
 */
public record PruneReport(
    boolean dryRun, List<String> blobs, List<String> partials, List<String> leftovers, long bytes) {
  public PruneReport {
    blobs = List.copyOf(blobs);
    partials = List.copyOf(partials);
    leftovers = List.copyOf(leftovers);
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
