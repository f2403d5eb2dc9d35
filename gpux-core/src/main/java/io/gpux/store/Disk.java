package io.gpux.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The store's file-system operations. Writes cannot be left half done by a crash: the bytes go to a
 * temporary file beside the target, are forced to disk, and the file is renamed into place, so
 * readers see the old state or the new one, never a torn file.
 */
final class Disk {
  private Disk() {}

  static void write(Path target, byte[] content) throws IOException {
    write(target, content, true);
  }

  /**
   * {@link #write}, with the bytes forced to disk before the rename only when {@code force}: the
   * rename is made durable either way. Unforced, the file is whole for every process from the
   * rename on, but a power cut may leave it empty or cut short under its name; only for files whose
   * readers take that for "unknown" ({@link WriteBack}'s records).
   */
  static void write(Path target, byte[] content, boolean force) throws IOException {
    Path dir = target.getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(content);
        while (buffer.hasRemaining()) {
          ch.write(buffer);
        }
        if (force) {
          ch.force(true);
        }
      }
      move(tmp, target);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Renames {@code from} onto {@code to}, replacing it, atomically. Both must be on one file
   * system; callers keep their temporary files inside the store for that reason.
   */
  static void move(Path from, Path to) throws IOException {
    Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    syncDirectory(to.getParent());
  }

  /** Moves a file in from another file system: a copy beside the target, then a rename. */
  static void moveAcross(Path from, Path to, Path workDir) throws IOException {
    try {
      move(from, to);
    } catch (AtomicMoveNotSupportedException e) {
      Path tmp = Files.createTempFile(workDir, "move", ".tmp");
      try {
        Files.copy(from, tmp, StandardCopyOption.REPLACE_EXISTING);
        force(tmp);
        move(tmp, to);
        Files.deleteIfExists(from);
      } finally {
        Files.deleteIfExists(tmp);
      }
    }
  }

  /** Forces a file's bytes to disk, so a rename cannot outlive its content after a power cut. */
  static void force(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
  }

  /** Makes a rename durable; best effort, since some systems (Windows) cannot open a folder. */
  static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | RuntimeException ignored) {
      // The rename itself is atomic; only its durability across a power cut is at stake.
    }
  }

  static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(p)) {
      for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(q);
      }
    }
  }

  static long size(Path p) {
    try {
      if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
        try (Stream<Path> walk = Files.walk(p)) {
          return walk.filter(Files::isRegularFile).mapToLong(Disk::size).sum();
        }
      }
      return Files.size(p);
    } catch (IOException | UncheckedIOException e) {
      return 0; // Gone meanwhile: it takes no space.
    }
  }
}
