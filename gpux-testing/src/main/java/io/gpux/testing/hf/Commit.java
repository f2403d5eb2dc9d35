package io.gpux.testing.hf;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.SortedMap;

/** An immutable commit: the whole file set at that point, not a diff, so reads need no walking. */
record Commit(
    String sha,
    String parent,
    String message,
    Instant date,
    String author,
    SortedMap<String, HubFile> files) {

  /** The first line of the message, as the Hub's commit listing shows it. */
  String title() {
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }

  /** The message after its title line. */
  String body() {
    int nl = message.indexOf('\n');
    return nl < 0 ? "" : message.substring(nl + 1).strip();
  }

  /** Deterministic from content, so the same fixture always yields the same shas. */
  static String shaOf(
      String repoId,
      String parent,
      String message,
      Instant date,
      SortedMap<String, HubFile> files) {
    StringBuilder s = new StringBuilder("commit\n");
    s.append(repoId).append('\n').append(parent).append('\n').append(message).append('\n');
    s.append(date).append('\n');
    files.forEach((path, f) -> s.append(path).append(' ').append(f.blobId()).append('\n'));
    try {
      MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
      return HexFormat.of().formatHex(sha1.digest(s.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
