package io.gpux.transfer;

import io.gpux.digest.Sha256;
import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The files a download leaves in the work folder, and what {@code gpux prune} may do with them.
 *
 * <p>A download writes {@code <key>.<size>.partial} (the size the registry lists, {@code x} when it
 * lists none), with a {@code .parts} sidecar when it is fetched in ranges, and holds an OS lock on
 * {@code <partial>.lock} while it runs. So prune can tell, without knowing the registry, a partial
 * that a running pull writes (locked: never touched) from one a later pull can resume (not longer
 * than its listed size: kept for a day; a whole one is only checked and moved) and one that nothing
 * can resume (no listed size, longer than it, or named by an older GPUX: removed at once).
 */
public final class PartialFiles {
  public static final String SUFFIX = ".partial";
  private static final String LOCK = ".lock";
  private static final Pattern NAME = Pattern.compile("[0-9a-f]{32}\\.(\\d+|x)\\.partial");

  private PartialFiles() {}

  /** The partial file for a request; stable across runs so pulls resume. */
  static Path of(Path workDir, DownloadRequest r) {
    String identity =
        r.call().uri().getScheme()
            + "://"
            + r.call().uri().getAuthority()
            + r.call().uri().getRawPath()
            + "|"
            + r.size()
            + "|"
            + r.sha256()
            + "|"
            + r.registryDigest()
            // An RPC-style download (Kaggle's POST) names its file in the body, not the URL.
            + (r.call().body() == null ? "" : "|" + Sha256.hex(r.call().body()));
    String key = Sha256.hex(identity.getBytes(StandardCharsets.UTF_8)).substring(0, 32);
    return workDir.resolve(key + "." + (r.size() >= 0 ? Long.toString(r.size()) : "x") + SUFFIX);
  }

  /** Whether {@code file} is a download's partial file. */
  public static boolean isPartial(Path file) {
    return file.getFileName().toString().endsWith(SUFFIX);
  }

  /** The files that belong to a partial: its lock and its sidecars. */
  public static List<Path> companions(Path partial) {
    String name = partial.getFileName().toString();
    return List.of(
        partial.resolveSibling(name + LOCK),
        PartedDownload.sidecar(partial),
        partial.resolveSibling(name + PartedDownload.SIDECAR + ".tmp"));
  }

  /**
   * The partial a companion file belongs to (whether or not it still exists), or null when {@code
   * file} is none.
   */
  public static Path owner(Path file) {
    String name = file.getFileName().toString();
    for (String suffix : List.of(LOCK, PartedDownload.SIDECAR, PartedDownload.SIDECAR + ".tmp")) {
      String partial = name.substring(0, Math.max(0, name.length() - suffix.length()));
      if (name.endsWith(suffix) && partial.endsWith(SUFFIX)) {
        return file.resolveSibling(partial);
      }
    }
    return null;
  }

  /**
   * Whether a later pull can resume {@code partial}: the registry listed a size, and the file is
   * shorter than it (or exactly it: then it only needs to be checked).
   */
  public static boolean resumable(Path partial) {
    Matcher m = NAME.matcher(partial.getFileName().toString());
    if (!m.matches() || m.group(1).equals("x")) {
      return false;
    }
    long size = TransferEngine.size(partial);
    return size > 0 && size <= Long.parseLong(m.group(1));
  }

  /**
   * Holds the lock a running download keeps on its partial (waiting for another process's download
   * of the same file to end); close it when the download ends.
   */
  static Closeable hold(Path partial) throws IOException {
    Path lockFile = companions(partial).get(0);
    FileChannel ch =
        FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    try {
      FileLock lock = ch.lock();
      return () -> {
        try {
          Files.deleteIfExists(lockFile);
        } finally {
          lock.release();
          ch.close();
        }
      };
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  /**
   * The partial's lock when no download holds it (close it once done with the files), or null while
   * one runs, in this process or another.
   */
  public static Closeable tryIdle(Path partial) throws IOException {
    Path lockFile = companions(partial).get(0);
    FileChannel ch =
        FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null; // a download in this very process holds it
    }
    if (lock == null) {
      ch.close();
      return null;
    }
    FileLock held = lock;
    return () -> {
      try {
        Files.deleteIfExists(lockFile);
      } finally {
        held.release();
        ch.close();
      }
    };
  }
}
