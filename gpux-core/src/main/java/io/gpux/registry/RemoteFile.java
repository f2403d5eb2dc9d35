package io.gpux.registry;

import io.gpux.transfer.HttpCall;
import io.gpux.transfer.RegistryDigest;

/**
 * A file of a resolved model version.
 *
 * @param path relative path inside the model; for an archive, a name for it in progress and
 *     messages (its entries bring their own paths)
 * @param size bytes, or -1 when unknown
 * @param sha256 hex, or null when the registry does not publish it
 * @param registryDigest the registry's own digest (git blob sha1, MD5), or null
 * @param download how to fetch it (credentials are sent only to its host)
 * @param unpack null for a plain file; for an archive (an OCI tar layer), how its entries become
 *     the model's files: the archive itself is verified, unpacked and not kept
 */
public record RemoteFile(
    String path,
    long size,
    String sha256,
    RegistryDigest registryDigest,
    HttpCall download,
    Unpack unpack) {

  public RemoteFile(
      String path, long size, String sha256, RegistryDigest registryDigest, HttpCall download) {
    this(path, size, sha256, registryDigest, download, null);
  }

  /**
   * How an archive's entries become files of the model. Archives of one version are unpacked in
   * their order in the version's file list, a later one's file replacing an earlier one's (image
   * layers).
   *
   * @param format how the archive is compressed
   * @param from only entries under this folder are taken, with it cut from their paths ({@code
   *     models/} for a KServe modelcar image); empty for all
   * @param whiteouts whether {@code .wh.NAME} entries delete NAME from earlier archives (OCI image
   *     layers)
   */
  public record Unpack(Format format, String from, boolean whiteouts) {
    public Unpack {
      from = from == null ? "" : from;
    }
  }

  /** The archive formats a registry can hand over for unpacking. */
  public enum Format {
    TAR,
    TAR_GZIP,
    TAR_ZSTD
  }
}
