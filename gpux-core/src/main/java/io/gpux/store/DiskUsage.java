package io.gpux.store;

import java.util.List;

/**
 * Disk use of the store.
 *
 * @param storeBytes bytes of all blobs on disk (referenced or not)
 * @param referencedBytes bytes of blobs some version uses, each blob counted once
 */
public record DiskUsage(
    List<VersionUsage> versions, long storeBytes, long referencedBytes, long partialBytes) {
  public DiskUsage {
    versions = List.copyOf(versions);
  }

  /**
   * One version's share.
   *
   * @param uniqueBytes bytes only this version uses (what removing it would free)
   * @param sharedBytes bytes it shares with other versions
   */
  public record VersionUsage(
      String reference, long totalBytes, long uniqueBytes, long sharedBytes) {}
}
