package io.gpux.store;

import io.gpux.error.GpuxException;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;

/**
 * A version laid out as a folder of its files at their paths, which is what ONNX Runtime needs: a
 * model's external-data files and tokenizer.json beside model.onnx. The files are hard links to the
 * blobs (no extra space), or copies where the file system cannot link. A snapshot is built in a
 * temporary folder and renamed into place, so it is complete or absent.
 */
final class Snapshots {
  private final StoreLayout layout;

  Snapshots(StoreLayout layout) {
    this.layout = layout;
  }

  Path materialize(VersionManifest m) {
    StorePaths.checkFilePaths(m.files());
    Path dir = layout.snapshot(m.registry(), m.name(), m.version());
    if (complete(dir, m)) {
      return dir;
    }
    try (StoreLock lock = StoreLock.acquire(layout.lockFile("snapshot:" + m.reference()))) {
      if (complete(dir, m)) {
        return dir;
      }
      for (ManifestFile f : m.files()) {
        if (!Files.isRegularFile(layout.blob(f.sha256()))) {
          throw GpuxException.notFound(
              "cannot lay out "
                  + m.reference()
                  + ": blob "
                  + f.sha256()
                  + " ("
                  + f.path()
                  + ") is missing from the store",
              "pull it again with --force; `gpux verify` checks the whole store");
        }
      }
      build(m, dir);
      return dir;
    } catch (IOException e) {
      throw GpuxException.unavailable(
          "cannot lay out " + m.reference() + " in " + dir + ": " + e.getMessage(),
          "check free space and GPUX_HOME's permissions");
    }
  }

  private void build(VersionManifest m, Path dir) throws IOException {
    Path tmp;
    try (StoreLock gc = StoreLock.acquire(layout.lockFile(StoreLayout.GC_LOCK))) {
      Files.createDirectories(dir.getParent());
      tmp = Files.createTempDirectory(dir.getParent(), ".snapshot");
    }
    try {
      for (ManifestFile f : m.files()) {
        Path target = tmp.resolve(f.path());
        Files.createDirectories(target.getParent());
        link(layout.blob(f.sha256()), target);
      }
      if (Files.exists(dir)) {
        // Out of date (a file deleted by hand, a blob replaced): swap it out, then delete it.
        Path old = dir.resolveSibling(".snapshot-old-" + UUID.randomUUID());
        Files.move(dir, old, StandardCopyOption.ATOMIC_MOVE);
        Disk.move(tmp, dir);
        Disk.deleteTree(old);
      } else {
        Disk.move(tmp, dir);
      }
    } finally {
      Disk.deleteTree(tmp);
    }
  }

  private static void link(Path blob, Path target) throws IOException {
    try {
      Files.createLink(target, blob);
    } catch (UnsupportedOperationException | FileSystemException e) {
      // No hard links here (FAT, some network file systems, a link-count limit): copy instead.
      Files.copy(blob, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Whether {@code dir} holds every file of the version with the right size. */
  private static boolean complete(Path dir, VersionManifest m) {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    for (ManifestFile f : m.files()) {
      Path p = dir.resolve(f.path());
      try {
        if (!Files.isRegularFile(p) || Files.size(p) != f.size()) {
          return false;
        }
      } catch (IOException e) {
        return false;
      }
    }
    return true;
  }
}
