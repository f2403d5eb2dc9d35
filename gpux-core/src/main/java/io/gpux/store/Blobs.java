package io.gpux.store;

import io.gpux.error.ErrorCategory;
import io.gpux.error.GpuxException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;

/** The content-addressed files: {@code blobs/sha256/<digest>}. */
final class Blobs {
  private final StoreLayout layout;

  /** Null: force each blob to disk before its rename; else record it as pending there. */
  private final WriteBack writeBack;

  Blobs(StoreLayout layout, WriteBack writeBack) {
    this.layout = layout;
    this.writeBack = writeBack;
  }

  /** See {@link ModelStore#putBlob}. */
  void put(Path verifiedFile, String sha256) {
    Path target = layout.blob(sha256);
    if (!Files.isRegularFile(verifiedFile)) {
      throw GpuxException.notFound(
          "cannot store blob " + sha256 + ": no file " + verifiedFile, null);
    }
    try {
      if (writeBack == null) {
        Disk.force(verifiedFile);
      } else {
        writeBack.pending(sha256, Files.size(verifiedFile));
      }
      readOnly(verifiedFile);
      try {
        Disk.moveAcross(verifiedFile, target, layout.tmp());
      } catch (IOException e) {
        // Windows refuses to replace a file that is open (a model being served): keep that one.
        if (!Files.isRegularFile(target) || Files.size(target) != Files.size(verifiedFile)) {
          throw e;
        }
        Files.deleteIfExists(verifiedFile);
      }
    } catch (IOException e) {
      throw new GpuxException(
          ErrorCategory.UNAVAILABLE,
          "cannot store blob " + sha256 + ": " + e.getMessage(),
          "check free space and GPUX_HOME's permissions",
          e);
    }
  }

  private static void readOnly(Path file) throws IOException {
    PosixFileAttributeView posix = Files.getFileAttributeView(file, PosixFileAttributeView.class);
    if (posix != null) {
      posix.setPermissions(PosixFilePermissions.fromString("r--r--r--"));
    }
  }

  /** Refuses to record {@code f} unless its blob is present with the size the manifest gives. */
  void checkPresent(VersionManifest m, ManifestFile f) throws IOException {
    Path blob = layout.blob(f.sha256());
    if (!Files.isRegularFile(blob)) {
      throw GpuxException.notFound(
          "cannot record "
              + m.reference()
              + ": blob "
              + f.sha256()
              + " ("
              + f.path()
              + ") is not in the store",
          "put every file's blob before committing; pull again");
    }
    long size = Files.size(blob);
    if (size != f.size()) {
      throw GpuxException.invalidInput(
          "cannot record "
              + m.reference()
              + ": "
              + f.path()
              + " is listed with "
              + f.size()
              + " bytes but its blob "
              + f.sha256()
              + " has "
              + size,
          "the manifest or the download is wrong; pull again with --force");
    }
  }

  /** Every blob on disk by digest, with its size. */
  Map<String, Long> sizes() {
    Map<String, Long> out = new HashMap<>();
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(layout.blobs())) {
      for (Path b : dir) {
        if (StorePaths.isDigest(b.getFileName().toString())) {
          out.put(b.getFileName().toString(), Disk.size(b));
        }
      }
    } catch (IOException e) {
      throw GpuxException.unavailable(
          "cannot list " + layout.blobs() + ": " + e.getMessage(), null);
    }
    return out;
  }
}
