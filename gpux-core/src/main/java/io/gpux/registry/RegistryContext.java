package io.gpux.registry;

import io.gpux.transfer.HttpTransport;
import java.util.Map;

/**
 * What a registry gets to work with. The environment is passed in (not read from {@code
 * System.getenv}) so tests can point a registry at a local server.
 */
public record RegistryContext(
    HttpTransport http, Credentials credentials, Map<String, String> env) {

  public RegistryContext {
    env = Map.copyOf(env);
  }

  public String env(String name, String fallback) {
    String v = env.get(name);
    return v == null || v.isBlank() ? fallback : v;
  }
}
