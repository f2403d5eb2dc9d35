package io.gpux.store;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Disk use of the store.
 *
 * @param storeBytes bytes of all blobs on disk, referenced or not
 * @param referencedBytes bytes of the blobs some version uses, each blob counted once
 * @param unreferencedBytes bytes of blobs on disk that no version uses: what {@code prune} frees
 * @param partialBytes bytes in {@code tmp/}: downloads in progress or abandoned
 */
public record DiskUsage(
    List<VersionUsage> versions,
    long storeBytes,
    long referencedBytes,
    long unreferencedBytes,
    long partialBytes) {
  public DiskUsage {
    versions = List.copyOf(versions);
  }

  /**
   * One version's share. A blob used by several versions is shared; a blob only this version uses
   * is unique to it, and is what removing the version (then pruning) frees.
   *
   * @param totalBytes the sum of its files' sizes
   */
  public record VersionUsage(
      String reference, long totalBytes, long uniqueBytes, long sharedBytes) {}

  /**
   * @param blobsOnDisk every blob on disk by digest, with its size
   */
  static DiskUsage of(
      List<VersionManifest> manifests, Map<String, Long> blobsOnDisk, long partialBytes) {
    Map<String, Integer> users = new HashMap<>();
    Map<String, Long> sizes = new HashMap<>();
    for (VersionManifest m : manifests) {
      for (ManifestFile f : m.files()) {
        sizes.put(f.sha256(), f.size());
      }
      digests(m).forEach(sha -> users.merge(sha, 1, Integer::sum));
    }
    List<VersionUsage> versions = new ArrayList<>();
    for (VersionManifest m : manifests) {
      long unique = 0;
      long shared = 0;
      for (String sha : digests(m)) {
        if (users.get(sha) == 1) {
          unique += sizes.get(sha);
        } else {
          shared += sizes.get(sha);
        }
      }
      versions.add(new VersionUsage(m.reference(), m.sizeBytes(), unique, shared));
    }
    long store = blobsOnDisk.values().stream().mapToLong(Long::longValue).sum();
    long referenced = sizes.values().stream().mapToLong(Long::longValue).sum();
    long unreferenced =
        blobsOnDisk.entrySet().stream()
            .filter(e -> !sizes.containsKey(e.getKey()))
            .mapToLong(Map.Entry::getValue)
            .sum();
    return new DiskUsage(versions, store, referenced, unreferenced, partialBytes);
  }

  private static Set<String> digests(VersionManifest m) {
    Set<String> out = new HashSet<>();
    m.files().forEach(f -> out.add(f.sha256()));
    return out;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    for (VersionUsage v : versions) {
      sb.append(v.reference())
          .append(": ")
          .append(v.totalBytes())
          .append(" bytes (")
          .append(v.uniqueBytes())
          .append(" unique, ")
          .append(v.sharedBytes())
          .append(" shared)\n");
    }
    return sb.append("store: ")
        .append(storeBytes)
        .append(" bytes of blobs (")
        .append(referencedBytes)
        .append(" referenced, ")
        .append(unreferencedBytes)
        .append(" unreferenced), ")
        .append(partialBytes)
        .append(" bytes of partial downloads")
        .toString();
  }
}
