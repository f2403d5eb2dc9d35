package io.gpux;

import io.gpux.registry.Credentials;
import io.gpux.registry.Secret;
import java.nio.file.Path;

/**
 * Registry credentials kept by {@code gpux login}: one 0600 file under {@code GPUX_HOME}, read by
 * the same {@link Credentials} the registries use, so a stored token is used by the next pull. Get
 * it from {@link Gpux#accounts()}.
 */
public final class Accounts {
  private final Resources resources;

  Accounts(Resources resources) {
    this.resources = resources;
  }

  /**
   * The canonical name of an installed registry given by name or alias ({@code huggingface}), or
   * one server of a registry that keeps credentials per server ({@code oci://ghcr.io}).
   */
  public String registry(String nameOrAlias) {
    return resources.registries().account(nameOrAlias);
  }

  /** Stores a token for a registry; returns the file it is in. */
  public Path login(String registry, Secret token) {
    Credentials c = credentials();
    c.store(registry(registry), token);
    return c.file();
  }

  /** Stores a user name and password (basic auth, as MLflow's) for a registry. */
  public Path login(String registry, String username, Secret password) {
    Credentials c = credentials();
    c.storeBasic(registry(registry), username, password);
    return c.file();
  }

  /**
   * Forgets what is stored for a registry, given by name or alias; false when nothing was. A name
   * that is no installed registry is still forgotten (a plug-in may have gone).
   */
  public boolean logout(String registry) {
    return credentials().remove(canonical(registry));
  }

  /** The canonical name for a name or alias of an installed registry; others as given. */
  public String canonical(String registry) {
    return resources.registries().hasAccount(registry) ? registry(registry) : registry;
  }

  private Credentials credentials() {
    return resources.registries().context().credentials();
  }
}
