package io.gpux.registry;

import io.gpux.transfer.HttpCall;
import io.gpux.transfer.RegistryDigest;

/**
 * A file of a resolved model version.
 *
 * @param path relative path inside the model
 * @param size bytes, or -1 when unknown
 * @param sha256 hex, or null when the registry does not publish it
 * @param registryDigest the registry's own digest (git blob sha1, MD5), or null
 * @param download how to fetch it (credentials are sent only to its host)
 */
public record RemoteFile(
    String path, long size, String sha256, RegistryDigest registryDigest, HttpCall download) {}
