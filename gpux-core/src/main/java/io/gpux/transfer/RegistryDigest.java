package io.gpux.transfer;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * A registry's own checksum of a file: Hugging Face's git blob sha1 for files outside LFS, W&B's
 * MD5. Checked while the bytes stream in, so files are verified even where sha256 is not given.
 *
 * <p>Some registries list files without a checksum and let the storage server declare it with the
 * bytes (Google Cloud Storage's {@code x-goog-hash: crc32c=...,md5=...}, which Kaggle's signed
 * download URLs carry): {@link #inResponse} names that header instead of a value, and the engine
 * checks the download against what the response that brought it declared.
 *
 * @param hex the expected digest, or null when it comes from the response ({@code header})
 * @param header null, or the response header of comma-separated {@code name=base64} pairs in which
 *     the storage server declares the digest
 */
public record RegistryDigest(Algorithm algorithm, String hex, String header) {

  /** The checksums registries publish. */
  public enum Algorithm {
    /** sha1 of "blob &lt;size&gt;\0" followed by the content: git's object id. */
    GIT_BLOB_SHA1,
    MD5,
    SHA1
  }

  public RegistryDigest {
    hex = hex == null ? null : hex.toLowerCase(Locale.ROOT);
    if ((hex == null) == (header == null)) {
      throw new IllegalArgumentException("a registry digest has a value or a response header");
    }
  }

  public RegistryDigest(Algorithm algorithm, String hex) {
    this(algorithm, hex, null);
  }

  public static RegistryDigest parseBase64Md5(String base64) {
    return new RegistryDigest(
        Algorithm.MD5, HexFormat.of().formatHex(java.util.Base64.getDecoder().decode(base64)));
  }

  /**
   * A digest the storage server declares in {@code header} of each download's response, as {@code
   * md5=<base64>} among comma-separated pairs (GCS's {@code x-goog-hash}).
   */
  public static RegistryDigest inResponse(Algorithm algorithm, String header) {
    return new RegistryDigest(algorithm, null, header.toLowerCase(Locale.ROOT));
  }

  /** Whether the expected value is only known from a download's response. */
  public boolean fromResponse() {
    return header != null;
  }

  /**
   * The expected digest (hex): the listed one, or the one {@code headers} declare; null when the
   * response declares none (a GCS composite object has only a crc32c), so nothing can be checked
   * beyond the size, as the official clients do.
   */
  public String expected(java.net.http.HttpHeaders headers) {
    if (hex != null) {
      return hex;
    }
    if (headers == null) {
      return null;
    }
    String key = algorithm.name().toLowerCase(Locale.ROOT);
    for (String value : headers.allValues(header)) {
      for (String pair : value.split(",")) {
        int eq = pair.indexOf('=');
        if (eq > 0 && pair.substring(0, eq).trim().equalsIgnoreCase(key)) {
          try {
            return HexFormat.of()
                .formatHex(java.util.Base64.getDecoder().decode(pair.substring(eq + 1).trim()));
          } catch (IllegalArgumentException notBase64) {
            return "not base64: " + pair.substring(eq + 1).trim();
          }
        }
      }
    }
    return null;
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

  /** Whether computing it needs the size up front (git's blob header does). */
  boolean needsSize() {
    return algorithm == Algorithm.GIT_BLOB_SHA1;
  }

  /** {@code md5:<hex>}; a digest from the response shows its header: {@code md5:<x-goog-hash>}. */
  @Override
  public String toString() {
    return algorithm.name().toLowerCase(Locale.ROOT).replace('_', '-')
        + ":"
        + (hex != null ? hex : "<" + header + ">");
  }

  /** This algorithm's {@link #toString} form of {@code hexValue}. */
  String named(String hexValue) {
    return new RegistryDigest(algorithm, hexValue).toString();
  }
}
