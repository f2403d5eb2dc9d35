package io.gpux.store;

import io.gpux.digest.Sha256;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Durability that is checked instead of waited for.
 *
 * <p>Forcing every pulled file to disk before it enters the store makes a pull as slow as the disk
 * (a 200 MB model: 0.5 s of a 1.7 s pull on a 310 MB/s disk), where curl, huggingface_hub and the
 * registries' clients leave the bytes to the kernel. Only a power cut or a kernel crash loses bytes
 * the kernel holds; a killed process does not. So the store records, durably and before the blob is
 * renamed into place, that the blob's bytes may not be on disk yet, together with the Linux boot
 * id, and does not wait for them:
 *
 * <ul>
 *   <li>Opened again in the same boot, once the kernel has had time to write the bytes back ({@link
 *       #SETTLE_AFTER}), the store forces those blobs (by then nearly free) and forgets them.
 *   <li>Opened after a restart, the store re-hashes each such blob (its name is its sha256) and
 *       deletes one the crash damaged: the versions using it then report it missing, and {@code
 *       gpux pull} fetches it again. A damaged model is never used.
 * </ul>
 *
 * Where there is no boot id (other systems), blobs are forced before the rename instead, as they
 * are with {@code GPUX_FSYNC=1}.
 */
final class WriteBack {
  /** Linux writes dirty pages back after 30 s by default; this leaves it as long again. */
  static final Duration SETTLE_AFTER = Duration.ofSeconds(60);

  private static final Path BOOT_ID = Path.of("/proc/sys/kernel/random/boot_id");

  private final StoreLayout layout;
  private final String bootId;
  private final Clock clock;

  WriteBack(StoreLayout layout, String bootId, Clock clock) {
    this.layout = layout;
    this.bootId = bootId;
    this.clock = clock;
  }

  /** This boot's id, or empty where the system gives none (then blobs are forced). */
  static Optional<String> bootId() {
    return BootId.VALUE;
  }

  /** Read once: a boot id does not change while the process runs. */
  private static final class BootId {
    static final Optional<String> VALUE = read();

    private static Optional<String> read() {
      try {
        String id = Files.readString(BOOT_ID, StandardCharsets.US_ASCII).trim();
        return id.isEmpty() ? Optional.empty() : Optional.of(id);
      } catch (IOException | RuntimeException e) {
        return Optional.empty();
      }
    }
  }

  /** Records, durably, that {@code sha256}'s bytes may not be on disk yet; before it is stored. */
  void pending(String sha256, long size) throws IOException {
    // The record's name must be durable before the blob's rename, its bytes need not be: one fsync
    // (the folder's) a blob, not two. A power cut that loses them leaves the record empty or cut
    // short, which reads as a record of an earlier boot (its boot id is not this one), so recover()
    // re-hashes the blob. Every other process sees the record whole, since it is renamed in.
    Disk.write(
        record(sha256),
        (bootId + " " + clock.millis() + " " + size + "\n").getBytes(StandardCharsets.US_ASCII),
        false);
  }

  /**
   * Settles the records of this boot that are old enough, and checks those of an earlier boot;
   * returns the digests of the blobs found damaged and deleted.
   */
  List<String> recover() throws IOException {
    List<String> damaged = new ArrayList<>();
    List<Path> records;
    try (Stream<Path> s = Files.list(layout.writeback())) {
      records = s.filter(p -> StorePaths.isDigest(p.getFileName().toString())).toList();
    }
    for (Path record : records) {
      String sha256 = record.getFileName().toString();
      String[] fields;
      try {
        fields = Files.readString(record, StandardCharsets.US_ASCII).trim().split(" ");
      } catch (java.nio.file.NoSuchFileException gone) {
        continue; // another process settled it
      }
      Path blob = layout.blob(sha256);
      if (fields.length == 3 && fields[0].equals(bootId)) {
        long since = Long.parseLong(fields[1]);
        if (clock.millis() - since < SETTLE_AFTER.toMillis()) {
          continue; // the kernel may still be writing it; nothing is lost while it runs
        }
        force(blob);
      } else if (Files.isRegularFile(blob) && !intact(blob, sha256, fields)) {
        Files.deleteIfExists(blob);
        damaged.add(sha256);
      }
      Files.deleteIfExists(record);
    }
    return damaged;
  }

  private Path record(String sha256) {
    return layout.writeback().resolve(StorePaths.checkDigest(sha256));
  }

  private static boolean intact(Path blob, String sha256, String[] fields) throws IOException {
    if (fields.length == 3 && Files.size(blob) != Long.parseLong(fields[2])) {
      return false;
    }
    return Sha256.of(blob).equals(sha256);
  }

  /** fsync through a read-only descriptor: blobs are read-only, and Linux allows it. */
  private static void force(Path blob) throws IOException {
    if (!Files.isRegularFile(blob)) {
      return;
    }
    try (FileChannel ch = FileChannel.open(blob, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }
}
