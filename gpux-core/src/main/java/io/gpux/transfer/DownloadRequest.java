package io.gpux.transfer;

/**
 * One file to fetch.
 *
 * @param path the file's path inside the model (for events and messages)
 * @param size the expected size in bytes, or -1 when the registry does not say
 * @param sha256 the expected sha256 (hex), or null when the registry does not have it
 * @param registryDigest a digest the registry does have when it lacks sha256 (a git blob sha1, an
 *     MD5), checked as well; null for none
 */
public record DownloadRequest(
    String path, HttpCall call, long size, String sha256, RegistryDigest registryDigest) {}
