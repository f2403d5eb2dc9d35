package io.gpux.store;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Disk use of the store, seen from one workspace: its versions one by one, every workspace's total,
 * and the whole store's. Blobs are shared by every workspace, so a blob two workspaces use is
 * counted once in the store's total and is not unique to either.
 *
 * @param workspace the workspace whose versions {@link #versions} lists
 * @param versions this workspace's versions
 * @param workspaces every workspace with a version, by name
 * @param storeBytes bytes of all blobs on disk, referenced or not
 * @param referencedBytes bytes of the blobs some version of some workspace uses, each counted once
 * @param unreferencedBytes bytes of blobs on disk that no version uses: what {@code prune} frees
 * @param partialBytes bytes in {@code tmp/}: downloads in progress or abandoned
 */
public record DiskUsage(
    String workspace,
    List<VersionUsage> versions,
    List<WorkspaceUsage> workspaces,
    long storeBytes,
    long referencedBytes,
    long unreferencedBytes,
    long partialBytes) {
  public DiskUsage {
    versions = List.copyOf(versions);
    workspaces = List.copyOf(workspaces);
  }

  /**
   * One version's share. A blob used by several versions (of this workspace or another) is shared;
   * a blob only this version uses is unique to it, and is what removing the version (then pruning)
   * frees.
   *
   * @param totalBytes the sum of its files' sizes
   */
  public record VersionUsage(
      String reference, long totalBytes, long uniqueBytes, long sharedBytes) {}

  /**
   * One workspace's share.
   *
   * @param bytes the blobs its versions use, each counted once
   * @param uniqueBytes those no other workspace uses: what deleting the workspace (then pruning)
   *     frees
   */
  public record WorkspaceUsage(String name, int versions, long bytes, long uniqueBytes) {}

  /** This workspace's entry in {@link #workspaces} (zeros when it holds no version). */
  public WorkspaceUsage own() {
    return workspaces.stream()
        .filter(w -> w.name().equals(workspace))
        .findFirst()
        .orElse(new WorkspaceUsage(workspace, 0, 0, 0));
  }

  /** The usage of a store holding only {@code manifests}, all in the workspace {@code default}. */
  static DiskUsage of(
      List<VersionManifest> manifests, Map<String, Long> blobsOnDisk, long partialBytes) {
    Map<String, List<VersionManifest>> byWorkspace = new LinkedHashMap<>();
    byWorkspace.put(StoreLayout.DEFAULT, manifests);
    return of(StoreLayout.DEFAULT, byWorkspace, blobsOnDisk, partialBytes);
  }

  /**
   * @param byWorkspace every workspace's manifests
   * @param blobsOnDisk every blob on disk by digest, with its size
   */
  static DiskUsage of(
      String workspace,
      Map<String, List<VersionManifest>> byWorkspace,
      Map<String, Long> blobsOnDisk,
      long partialBytes) {
    Map<String, Integer> users = new HashMap<>();
    Map<String, Set<String>> workspacesUsing = new HashMap<>();
    Map<String, Long> sizes = new HashMap<>();
    for (Map.Entry<String, List<VersionManifest>> ws : byWorkspace.entrySet()) {
      for (VersionManifest m : ws.getValue()) {
        for (ManifestFile f : m.files()) {
          sizes.put(f.sha256(), f.size());
        }
        for (String sha : digests(m)) {
          users.merge(sha, 1, Integer::sum);
          workspacesUsing.computeIfAbsent(sha, k -> new HashSet<>()).add(ws.getKey());
        }
      }
    }
    List<VersionUsage> versions = new ArrayList<>();
    for (VersionManifest m : byWorkspace.getOrDefault(workspace, List.of())) {
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
    List<WorkspaceUsage> workspaces = new ArrayList<>();
    for (Map.Entry<String, List<VersionManifest>> ws : byWorkspace.entrySet()) {
      if (ws.getValue().isEmpty()) {
        continue;
      }
      Set<String> used = new HashSet<>();
      ws.getValue().forEach(m -> used.addAll(digests(m)));
      long bytes = 0;
      long unique = 0;
      for (String sha : used) {
        bytes += sizes.get(sha);
        unique += workspacesUsing.get(sha).size() == 1 ? sizes.get(sha) : 0;
      }
      workspaces.add(new WorkspaceUsage(ws.getKey(), ws.getValue().size(), bytes, unique));
    }
    workspaces.sort(java.util.Comparator.comparing(WorkspaceUsage::name));
    long store = blobsOnDisk.values().stream().mapToLong(Long::longValue).sum();
    long referenced = sizes.values().stream().mapToLong(Long::longValue).sum();
    long unreferenced =
        blobsOnDisk.entrySet().stream()
            .filter(e -> !sizes.containsKey(e.getKey()))
            .mapToLong(Map.Entry::getValue)
            .sum();
    return new DiskUsage(
        workspace, versions, workspaces, store, referenced, unreferenced, partialBytes);
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
    for (WorkspaceUsage w : workspaces) {
      sb.append("workspace ")
          .append(w.name())
          .append(": ")
          .append(w.versions())
          .append(" versions, ")
          .append(w.bytes())
          .append(" bytes (")
          .append(w.uniqueBytes())
          .append(" only its own)\n");
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
