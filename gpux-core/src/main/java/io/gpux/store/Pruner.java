package io.gpux.store;

import io.gpux.error.GpuxException;
import io.gpux.transfer.PartialFiles;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Garbage collection: blobs no manifest references, stale temporary files, debris of interrupted
 * writes, and empty folders. What is referenced comes from the manifests on disk of every
 * workspace, not the index, so a manifest the index missed still protects its blobs, and a blob one
 * workspace no longer uses stays while another's manifest names it. Callers hold {@link
 * StoreLayout#GC_LOCK}.
 */
final class Pruner {
  private final StoreLayout layout;
  private final Manifests manifests;
  private final Clock clock;
  private final Duration grace;
  private final Duration stale;
  private final Set<String> workspaces;

  /**
   * @param grace how old an unreferenced blob or a leftover must be before it goes: a pull may have
   *     put blobs it has not committed yet, a snapshot may be under construction
   * @param stale how long a temporary file (a partial download) may sit untouched
   * @param workspaces the workspaces the index has: the folder of any other one is what a workspace
   *     deleted elsewhere (another machine on a team's index) or half-deleted left, and goes, its
   *     manifests protecting nothing
   */
  Pruner(
      StoreLayout layout,
      Manifests manifests,
      Clock clock,
      Duration grace,
      Duration stale,
      Set<String> workspaces) {
    this.layout = layout;
    this.manifests = manifests;
    this.clock = clock;
    this.grace = grace;
    this.stale = stale;
    this.workspaces = workspaces;
  }

  PruneReport prune(boolean dryRun) throws IOException {
    List<String> onDisk = layout.workspacesOnDisk();
    List<Path> deleted = new ArrayList<>();
    for (String ws : onDisk) {
      if (!ws.equals(StoreLayout.DEFAULT) && !workspaces.contains(ws)) {
        deleted.add(layout.manifests(ws).getParent());
      }
    }
    Manifests.Scan all = manifests.scan();
    java.util.function.Predicate<Path> live = p -> deleted.stream().noneMatch(p::startsWith);
    Manifests.Scan scan =
        new Manifests.Scan(
            all.found().stream().filter(s -> live.test(s.file())).toList(),
            all.misplaced().stream().filter(s -> live.test(s.file())).toList(),
            all.damaged().stream().filter(d -> live.test(d.file())).toList());
    if (!scan.damaged().isEmpty()) {
      Manifests.Unreadable d = scan.damaged().get(0);
      throw GpuxException.unavailable(
          "cannot prune: the manifest "
              + d.file()
              + " is damaged ("
              + d.why()
              + "), so the files it uses are unknown",
          "remove that version (gpux rm) or delete the file, then prune again");
    }
    Set<String> referenced = new HashSet<>();
    Set<Path> snapshots = new HashSet<>();
    for (List<Manifests.Stored> list : List.of(scan.found(), scan.misplaced())) {
      for (Manifests.Stored s : list) {
        VersionManifest m = s.manifest();
        m.files().forEach(f -> referenced.add(f.sha256()));
        snapshots.add(layout.in(s.workspace()).snapshot(m.registry(), m.name(), m.version()));
      }
    }
    Instant now = clock.instant();
    List<String> blobs = new ArrayList<>();
    List<String> partials = new ArrayList<>();
    List<String> leftovers = new ArrayList<>();
    long bytes = 0;
    int keptBlobs = 0;
    long keptBytes = 0;
    Instant keptUntil = null;
    for (Path blob : children(layout.blobs())) {
      String sha = blob.getFileName().toString();
      if (!StorePaths.isDigest(sha) || referenced.contains(sha)) {
        continue;
      }
      if (older(blob, now, grace)) {
        blobs.add(sha);
        bytes += delete(blob, dryRun);
      } else {
        Instant freeable = modified(blob).plus(grace);
        keptBlobs++;
        keptBytes += Disk.size(blob);
        keptUntil = keptUntil == null || freeable.isAfter(keptUntil) ? freeable : keptUntil;
      }
    }
    for (Path p : children(layout.tmp())) {
      bytes += pruneTemporary(p, now, dryRun, partials);
    }
    List<Path> debris = new ArrayList<>(deleted);
    List<String> kept = onDisk.stream().filter(ws -> live.test(layout.manifests(ws))).toList();
    for (String ws : kept) {
      Path root = layout.manifests(ws);
      if (Files.isDirectory(root)) {
        try (Stream<Path> walk = Files.walk(root)) {
          walk.filter(Files::isRegularFile)
              .filter(p -> !Manifests.isManifestName(p.getFileName().toString()))
              .forEach(debris::add);
        }
      }
      if (Files.isDirectory(layout.snapshots(ws))) {
        orphanSnapshots(layout.snapshots(ws), snapshots, debris);
      }
    }
    for (Path p : debris) {
      if (older(p, now, grace)) {
        leftovers.add(layout.relative(p));
        bytes += delete(p, dryRun);
      }
    }
    if (!dryRun) {
      for (String ws : kept) {
        if (Files.isDirectory(layout.manifests(ws))) {
          deleteEmptyFolders(layout.manifests(ws), Set.of(), now);
        }
        if (Files.isDirectory(layout.snapshots(ws))) {
          deleteEmptyFolders(layout.snapshots(ws), snapshots, now);
        }
      }
    }
    return new PruneReport(
        dryRun,
        blobs,
        partials,
        leftovers,
        bytes,
        new PruneReport.Kept(keptBlobs, keptBytes, keptUntil, grace));
  }

  /**
   * One file of the work folder. A download's partial file that a running pull holds is never
   * touched; one that a later pull can resume stays for {@code stale}; one that nothing can resume
   * (its size unknown, or already the whole listed size, or an older GPUX's) goes at once, so that
   * a failed pull's leftovers never keep the disk full. Other files go when stale.
   */
  private long pruneTemporary(Path p, Instant now, boolean dryRun, List<String> out)
      throws IOException {
    if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
      return 0; // a companion removed with its partial
    }
    Path owner = PartialFiles.owner(p);
    if (owner != null && Files.exists(owner)) {
      return 0; // goes, or stays, with its partial
    }
    if (owner == null && !PartialFiles.isPartial(p)) {
      if (!older(p, now, stale)) {
        return 0;
      }
      out.add(p.getFileName().toString());
      return delete(p, dryRun);
    }
    Path partial = owner == null ? p : owner;
    try (java.io.Closeable idle = PartialFiles.tryIdle(partial)) {
      if (idle == null) {
        return 0; // a pull is writing it
      }
      boolean keep = owner == null && PartialFiles.resumable(partial) && !older(p, now, stale);
      if (keep) {
        return 0;
      }
      long bytes = 0;
      if (Files.exists(partial)) {
        out.add(partial.getFileName().toString());
        bytes += delete(partial, dryRun);
      }
      // The sidecars go with it; the lock file goes when the lock is let go, just below.
      for (Path c : PartialFiles.companions(partial).subList(1, 3)) {
        bytes += deleteIfThere(c, dryRun);
      }
      return bytes;
    }
  }

  private static long deleteIfThere(Path p, boolean dryRun) throws IOException {
    return Files.exists(p, LinkOption.NOFOLLOW_LINKS) ? delete(p, dryRun) : 0;
  }

  /**
   * What under {@code dir} is not a live snapshot: version folders ({@code @...}) of versions that
   * are gone, temporary folders ({@code .snapshot...}) and stray files. Other folders are
   * model-name segments, searched further.
   */
  private static void orphanSnapshots(Path dir, Set<Path> live, List<Path> out) throws IOException {
    for (Path p : children(dir)) {
      String name = p.getFileName().toString();
      if (live.contains(p)) {
        continue;
      }
      if (name.startsWith("@")
          || name.startsWith(".")
          || !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
        out.add(p);
      } else {
        orphanSnapshots(p, live, out);
      }
    }
  }

  /**
   * Removes empty folders below {@code root}, deepest first. A young folder whose name starts with
   * a dot may be a snapshot being built, so it stays.
   */
  private void deleteEmptyFolders(Path root, Set<Path> keep, Instant now) throws IOException {
    List<Path> dirs;
    try (Stream<Path> walk = Files.walk(root)) {
      dirs =
          walk.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
              .filter(p -> !p.equals(root) && !keep.contains(p))
              .sorted(Comparator.reverseOrder())
              .toList();
    }
    for (Path d : dirs) {
      if (d.getFileName().toString().startsWith(".") && !older(d, now, grace)) {
        continue;
      }
      try {
        Files.delete(d);
      } catch (DirectoryNotEmptyException | NoSuchFileException e) {
        // Not empty: nothing to do.
      }
    }
  }

  private static List<Path> children(Path dir) throws IOException {
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
      s.forEach(out::add);
    }
    out.sort(null);
    return out;
  }

  private static Instant modified(Path p) {
    try {
      return Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toInstant();
    } catch (IOException e) {
      return Instant.EPOCH; // Gone meanwhile.
    }
  }

  private static boolean older(Path p, Instant now, Duration age) {
    try {
      Instant modified = Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toInstant();
      return Duration.between(modified, now).compareTo(age) >= 0;
    } catch (IOException e) {
      return false; // Gone meanwhile.
    }
  }

  private static long delete(Path p, boolean dryRun) throws IOException {
    long size = Disk.size(p);
    if (!dryRun) {
      Disk.deleteTree(p);
    }
    return size;
  }
}
