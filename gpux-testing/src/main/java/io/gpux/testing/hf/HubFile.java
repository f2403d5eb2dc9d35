package io.gpux.testing.hf;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One file of a commit, with the identities the Hub gives it: the git blob id (what {@code ETag},
 * {@code oid} and {@code blobId} carry) and, for LFS files, the sha256 of the content (what {@code
 * X-Linked-Etag} and {@code lfs.oid} carry). For an LFS file git stores a pointer, so its blob id
 * is the pointer's, not the content's: tests can compare both against independently computed
 * digests.
 */
public final class HubFile {
  private final String path;
  private final long size;
  private final String sha256;
  private final String contentBlobId;
  private final boolean lfs;
  private final Source source;

  /** Where the bytes live: memory for fixtures, disk for the standalone server's big files. */
  private interface Source {
    InputStream open(long offset) throws IOException;
  }

  private HubFile(String path, long size, byte[][] digests, boolean lfs, Source source) {
    this.path = path;
    this.size = size;
    this.sha256 = HexFormat.of().formatHex(digests[0]);
    this.contentBlobId = HexFormat.of().formatHex(digests[1]);
    this.lfs = lfs;
    this.source = source;
  }

  static HubFile of(String path, byte[] bytes, boolean lfs) {
    byte[] copy = bytes.clone();
    Digests d = new Digests(copy.length);
    d.update(copy, 0, copy.length);
    return new HubFile(
        path,
        copy.length,
        d.finish(),
        lfs,
        offset -> {
          InputStream in = new ByteArrayInputStream(copy);
          in.skipNBytes(offset);
          return in;
        });
  }

  /** Reads the file once to hash it; later requests stream it from disk. */
  static HubFile onDisk(String path, Path file, boolean lfs) {
    try (InputStream in = Files.newInputStream(file)) {
      long size = Files.size(file);
      Digests d = new Digests(size);
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        d.update(buf, 0, n);
      }
      return new HubFile(
          path,
          size,
          d.finish(),
          lfs,
          offset -> {
            FileChannel ch = FileChannel.open(file);
            ch.position(offset);
            return Channels.newInputStream(ch);
          });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String path() {
    return path;
  }

  public long size() {
    return size;
  }

  public String sha256() {
    return sha256;
  }

  public boolean lfs() {
    return lfs;
  }

  /** The git blob id: of the content, or of the LFS pointer for an LFS file. */
  public String blobId() {
    return lfs ? gitBlobId(pointer().getBytes(StandardCharsets.UTF_8)) : contentBlobId;
  }

  /** The size of the LFS pointer git stores instead of the content (0 for regular files). */
  public int pointerSize() {
    return lfs ? pointer().getBytes(StandardCharsets.UTF_8).length : 0;
  }

  /** The git-lfs pointer file, byte for byte as git-lfs writes it. */
  String pointer() {
    return "version https://git-lfs.github.com/spec/v1\noid sha256:"
        + sha256
        + "\nsize "
        + size
        + "\n";
  }

  /** What resolve puts in {@code ETag}, unquoted. */
  String etag() {
    return lfs ? blobId() : contentBlobId;
  }

  InputStream open(long offset) throws IOException {
    return source.open(offset);
  }

  static String gitBlobId(byte[] content) {
    Digests d = new Digests(content.length);
    d.update(content, 0, content.length);
    return HexFormat.of().formatHex(d.finish()[1]);
  }

  /** sha256 of the content and git's sha1 of {@code "blob <size>\0" + content}, in one pass. */
  private static final class Digests {
    private final MessageDigest sha256;
    private final MessageDigest gitSha1;

    Digests(long size) {
      try {
        sha256 = MessageDigest.getInstance("SHA-256");
        gitSha1 = MessageDigest.getInstance("SHA-1");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
      gitSha1.update(("blob " + size + "\0").getBytes(StandardCharsets.US_ASCII));
    }

    void update(byte[] buf, int off, int len) {
      sha256.update(buf, off, len);
      gitSha1.update(buf, off, len);
    }

    byte[][] finish() {
      return new byte[][] {sha256.digest(), gitSha1.digest()};
    }
  }
}
