package io.gpux.store;

import java.util.List;

/** What {@code prune} removed (or, in a dry run, would remove). */
public record PruneReport(boolean dryRun, List<String> blobs, List<String> partials, long bytes) {
  public PruneReport {
    blobs = List.copyOf(blobs);
    partials = List.copyOf(partials);
  }
}
