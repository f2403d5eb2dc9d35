package io.gpux.registry;

import java.util.List;

/**
 * The {@link java.util.ServiceLoader} entry point of a registry plug-in, listed in {@code
 * META-INF/services/io.gpux.registry.RegistryProvider}.
 */
public interface RegistryProvider {
  /** The canonical name and reference prefix, e.g. {@code hf}. */
  String name();

  /** Other prefixes accepted for it, e.g. {@code huggingface}. */
  default List<String> aliases() {
    return List.of();
  }

  Registry create(RegistryContext context);
}
