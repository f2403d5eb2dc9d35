package io.gpux.transfer;

import java.nio.file.Path;

/**
 * A file fetched and verified, waiting in the work folder to be moved into the store.
 *
 * @param resumedFrom bytes that were already on disk from an earlier, interrupted attempt
 * @param registryDigest the registry digest the bytes were checked against ({@code md5:<hex>}), or
 *     null when none was checked
 */
public record DownloadedFile(
    String path,
    Path file,
    long size,
    String sha256,
    long transferred,
    long resumedFrom,
    String registryDigest) {}
