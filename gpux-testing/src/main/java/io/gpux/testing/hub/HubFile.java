package io.gpux.testing.hub;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A file in a fake Hub repository, with the digests the real Hub publishes for it (computed once).
 * Its bytes live in memory (tests) or in a file on disk (the standalone server, for big models).
 */
final class HubFile {
  private final String path;
  private final boolean lfs;
  private final byte[] content;
  private final Path source;
  private final long size;
  private final String sha256;
  private final String gitBlobSha1;

  private HubFile(String path, boolean lfs, byte[] content, Path source) {
    this.path = path;
    this.lfs = lfs;
    this.content = content;
    this.source = source;
    try {
      this.size = content != null ? content.length : Files.size(source);
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      MessageDigest git = MessageDigest.getInstance("SHA-1");
      git.update(("blob " + size + "\0").getBytes(StandardCharsets.US_ASCII));
      try (InputStream in = open(0)) {
        byte[] buf = new byte[1 << 16];
        int n;
        while ((n = in.read(buf)) > 0) {
          sha.update(buf, 0, n);
          git.update(buf, 0, n);
        }
      }
      this.sha256 = HexFormat.of().formatHex(sha.digest());
      this.gitBlobSha1 = HexFormat.of().formatHex(git.digest());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static HubFile inMemory(String path, byte[] content, boolean lfs) {
    return new HubFile(path, lfs, content.clone(), null);
  }

  static HubFile onDisk(String path, Path source, boolean lfs) {
    return new HubFile(path, lfs, null, source);
  }

  String path() {
    return path;
  }

  boolean lfs() {
    return lfs;
  }

  long size() {
    return size;
  }

  String sha256() {
    return sha256;
  }

  /** git's object id: sha1 of "blob &lt;size&gt;\0" + content. */
  String gitBlobSha1() {
    return gitBlobSha1;
  }

  InputStream open(long offset) throws IOException {
    if (content != null) {
      ByteArrayInputStream in = new ByteArrayInputStream(content);
      in.skip(offset);
      return in;
    }
    InputStream in = Files.newInputStream(source);
    in.skipNBytes(offset);
    return in;
  }
}
