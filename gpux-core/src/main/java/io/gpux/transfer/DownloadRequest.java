package io.gpux.transfer;

/**
 * One file to fetch.
 *
 * @param path the file's path inside the model (for events and messages)
 * @param size the expected size in bytes, or -1 when the registry does not say
 * @param sha256 the expected sha256 (hex), or null when the registry does not have it
 * @param registryDigest a digest the registry does have when it lacks sha256 (a git blob sha1, an
 *     MD5), checked as well; null for none
 * @param deniedHint the fix to print when the server refuses the file (401, 403): the registry's
 *     own credentials (see {@code Registry.accessHint}); null for a generic one
 */
public record DownloadRequest(
    String path,
    HttpCall call,
    long size,
    String sha256,
    RegistryDigest registryDigest,
    String deniedHint) {

  public DownloadRequest(
      String path, HttpCall call, long size, String sha256, RegistryDigest registryDigest) {
    this(path, call, size, sha256, registryDigest, null);
  }
}
