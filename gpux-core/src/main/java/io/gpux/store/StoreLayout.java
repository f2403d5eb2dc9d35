package io.gpux.store;

import io.gpux.digest.Sha256;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Where each thing lives under the store's home; see the package documentation. */
record StoreLayout(Path home) {
  static final String[] FOLDERS = {
    "blobs/sha256", "manifests", "snapshots", "tmp", "locks", "writeback"
  };

  /**
   * Taken by whatever decides which blobs are in use (commit, remove, prune) and by whatever
   * creates folders that prune may find empty, so that prune never deletes a blob or folder that is
   * about to be used.
   */
  static final String GC_LOCK = "store:gc";

  Path blobs() {
    return home.resolve("blobs/sha256");
  }

  Path blob(String sha256) {
    return blobs().resolve(StorePaths.checkDigest(sha256));
  }

  Path manifests() {
    return home.resolve("manifests");
  }

  Path manifest(String registry, String name, String version) {
    return manifests()
        .resolve(StorePaths.registry(registry))
        .resolve(StorePaths.name(name))
        .resolve(StorePaths.version(version) + ".json");
  }

  /** The folder holding the manifests of every version of one model (and nothing else's). */
  Path modelManifests(String registry, String name) {
    return manifests().resolve(StorePaths.registry(registry)).resolve(StorePaths.name(name));
  }

  Path snapshots() {
    return home.resolve("snapshots");
  }

  Path snapshot(String registry, String name, String version) {
    return snapshots()
        .resolve(StorePaths.registry(registry))
        .resolve(StorePaths.name(name))
        .resolve(StorePaths.version(version));
  }

  Path tmp() {
    return home.resolve("tmp");
  }

  /** One small record per blob whose bytes may not be on disk yet ({@link WriteBack}). */
  Path writeback() {
    return home.resolve("writeback");
  }

  Path locks() {
    return home.resolve("locks");
  }

  /** The lock file of a key: named by its hash, so that any text is a safe key. */
  Path lockFile(String key) {
    return locks().resolve(Sha256.hex(key.getBytes(StandardCharsets.UTF_8)) + ".lock");
  }

  Path index() {
    return home.resolve("index.db");
  }

  String relative(Path p) {
    return home.relativize(p).toString().replace('\\', '/');
  }
}
