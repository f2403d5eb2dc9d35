package io.gpux;

import io.gpux.registry.Registries;
import io.gpux.store.ModelStore;

/**
 * What core tests may reach that the library keeps to its services: the CLI and the server go
 * through {@link Gpux#models()}, {@link Gpux#storage()} and {@link Gpux#accounts()} only.
 */
public final class GpuxInternals {
  private GpuxInternals() {}

  public static Registries registries(Gpux gpux) {
    return gpux.registries();
  }

  public static ModelStore store(Gpux gpux) {
    return gpux.store();
  }

  /** A puller on the facade's registries, store and transfer engine, for the pipeline's hooks. */
  public static io.gpux.pull.ModelPuller puller(Gpux gpux) {
    return new io.gpux.pull.ModelPuller(
        gpux.registries(), gpux.store(), gpux.transfer(), java.time.Clock.systemUTC());
  }
}
