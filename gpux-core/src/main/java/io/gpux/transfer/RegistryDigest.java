package io.gpux.transfer;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * A registry's own checksum of a file: Hugging Face's git blob sha1 for files outside LFS, W&B's
 * MD5. Checked while the bytes stream in, so files are verified even where sha256 is not given.
 */
public record RegistryDigest(Algorithm algorithm, String hex) {

  /** The checksums registries publish. */
  public enum Algorithm {
    /** sha1 of "blob &lt;size&gt;\0" followed by the content: git's object id. */
    GIT_BLOB_SHA1,
    MD5,
    SHA1
  }

  public RegistryDigest {
    hex = hex.toLowerCase(Locale.ROOT);
  }

  public static RegistryDigest parseBase64Md5(String base64) {
    return new RegistryDigest(
        Algorithm.MD5, HexFormat.of().formatHex(java.util.Base64.getDecoder().decode(base64)));
  }

  MessageDigest start(long size) {
    try {
      return switch (algorithm) {
        case GIT_BLOB_SHA1 -> {
          MessageDigest d = MessageDigest.getInstance("SHA-1");
          d.update(("blob " + size + "\0").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
          yield d;
        }
        case MD5 -> MessageDigest.getInstance("MD5");
        case SHA1 -> MessageDigest.getInstance("SHA-1");
      };
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-1 and MD5", e);
    }
  }

  @Override
  public String toString() {
    return algorithm.name().toLowerCase(Locale.ROOT).replace('_', '-') + ":" + hex;
  }
}
