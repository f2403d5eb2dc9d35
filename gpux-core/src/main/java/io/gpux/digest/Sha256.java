package io.gpux.digest;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 as GPUX names content everywhere (blobs, manifests, lockfiles): 64 lowercase hex. */
public final class Sha256 {
  private Sha256() {}

  /** A fresh SHA-256 digest, for hashing bytes as they stream by. */
  public static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /** The SHA-256 of {@code bytes}, in hex. */
  public static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(digest().digest(bytes));
  }

  /** Finishes {@code digest} and gives its value in hex (for any algorithm). */
  public static String hex(MessageDigest digest) {
    return HexFormat.of().formatHex(digest.digest());
  }

  /** The SHA-256 of a file's bytes, in hex. */
  public static String of(Path file) throws IOException {
    MessageDigest d = digest();
    // A direct buffer lets the digest read the file's bytes without copying them onto the heap.
    ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      while (ch.read(buffer) >= 0) {
        buffer.flip();
        d.update(buffer);
        buffer.clear();
      }
    }
    return hex(d);
  }
}
