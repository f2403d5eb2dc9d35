package io.gpux.testing.hub;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** A file in a fake Hub repository, with the digests the real Hub publishes for it. */
record HubFile(String path, byte[] content, boolean lfs) {

  String sha256() {
    return hex("SHA-256", content, null);
  }

  /** git's object id: sha1 of "blob &lt;size&gt;\0" + content. */
  String gitBlobSha1() {
    return hex(
        "SHA-1", content, ("blob " + content.length + "\0").getBytes(StandardCharsets.US_ASCII));
  }

  private static String hex(String algorithm, byte[] content, byte[] prefix) {
    try {
      MessageDigest d = MessageDigest.getInstance(algorithm);
      if (prefix != null) {
        d.update(prefix);
      }
      return HexFormat.of().formatHex(d.digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
