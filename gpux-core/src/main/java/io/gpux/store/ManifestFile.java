package io.gpux.store;

/**
 * One file of a stored model version.
 *
 * @param path relative path inside the model (checked by {@link StorePaths#checkFilePath})
 * @param registryDigest the registry's own digest, as {@code algorithm:hex}, or null
 */
public record ManifestFile(String path, long size, String sha256, String registryDigest) {}
