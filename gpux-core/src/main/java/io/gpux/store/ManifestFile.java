package io.gpux.store;

import java.util.Objects;

/**
 * One file of a stored model version.
 *
 * @param path relative path inside the model, with {@code /} separators; the store refuses any path
 *     that could leave the model's folder
 * @param sha256 the content digest, 64 lowercase hex digits: the blob's name
 * @param registryDigest the registry's own digest when it has one (a git blob sha1, an MD5), as
 *     {@code algorithm:hex}; or null
 */
public record ManifestFile(String path, long size, String sha256, String registryDigest) {
  public ManifestFile {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(sha256, "sha256");
  }
}
