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

  /**
   * URI schemes that also name this registry, each ending in '/' ({@code models:/}); references
   * starting with one are handed to {@link #grammar} whole after the scheme.
   */
  default List<String> uriSchemes() {
    return List.of();
  }

  /** How this registry's references are written; the Docker-like default fits most. */
  default io.gpux.ref.ReferenceGrammar grammar() {
    return io.gpux.ref.ReferenceGrammar.DEFAULT;
  }

  /**
   * The movable name a reference without a version or tag asks for: {@code latest} by default,
   * {@code main} on the Hub. A stored model named that way follows the local name of that name, so
   * a rollback of {@code hf:org/m@main} is what {@code hf:org/m} runs.
   */
  default String defaultName() {
    return "latest";
  }

  Registry create(RegistryContext context);

  /**
   * TLS trust this registry's environment asks for, by host (e.g. MLflow's {@code
   * MLFLOW_TRACKING_SERVER_CERT_PATH}); read before the shared HTTP client is built.
   */
  default java.util.Map<String, io.gpux.transfer.TlsTrust.HostRule> tls(
      java.util.Map<String, String> env) {
    return java.util.Map.of();
  }
}
