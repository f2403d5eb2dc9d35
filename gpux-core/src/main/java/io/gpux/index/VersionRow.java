package io.gpux.index;

import java.time.Instant;
import java.util.List;

/**
 * One stored model version as the index keeps it (the manifest on disk is the source of truth; this
 * is what is searched and aggregated).
 *
 * @param requested what the pull asked for (a tag or movable name), or null
 * @param manifestPath the manifest's path relative to the store's home
 */
public record VersionRow(
    String registry,
    String name,
    String version,
    String requested,
    Instant pulledAt,
    String source,
    long sizeBytes,
    String manifestPath,
    List<FileRow> files) {

  /** One file of a version. */
  public record FileRow(String path, String sha256, long sizeBytes) {}
}
