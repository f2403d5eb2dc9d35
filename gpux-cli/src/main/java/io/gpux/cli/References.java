package io.gpux.cli;

import io.gpux.Gpux;
import io.gpux.store.VersionManifest;

/** References to stored versions, written the way their registry's own grammar writes them. */
final class References {
  private References() {}

  /** {@code hf:org/name@<commit>}, {@code mlflow:name/3}, {@code wandb:e/p/a:v2}. */
  static String exact(Gpux gpux, VersionManifest m) {
    return gpux.registries().has(m.registry())
        ? gpux.registries().get(m.registry()).exactReference(m.name(), m.version())
        : m.registry() + ":" + m.name() + "@" + m.version();
  }
}
