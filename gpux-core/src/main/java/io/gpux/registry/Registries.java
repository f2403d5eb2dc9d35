package io.gpux.registry;

import io.gpux.GpuxException;
import io.gpux.ref.ModelRefParser;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/** The installed registry plug-ins, found with {@link ServiceLoader}; created on first use. */
public final class Registries {
  public static final String DEFAULT = "hf";

  private final RegistryContext context;
  private final Map<String, RegistryProvider> byPrefix = new LinkedHashMap<>();
  private final Map<String, Registry> created = new ConcurrentHashMap<>();

  public Registries(RegistryContext context) {
    this(context, ServiceLoader.load(RegistryProvider.class, Registries.class.getClassLoader()));
  }

  Registries(RegistryContext context, Iterable<RegistryProvider> providers) {
    this.context = context;
    for (RegistryProvider p : providers) {
      byPrefix.put(p.name(), p);
      p.aliases().forEach(a -> byPrefix.putIfAbsent(a, p));
    }
  }

  /** The TLS rules every installed registry asks for in {@code env}, merged by host. */
  public static Map<String, io.gpux.transfer.TlsTrust.HostRule> tlsRules(Map<String, String> env) {
    Map<String, io.gpux.transfer.TlsTrust.HostRule> rules = new LinkedHashMap<>();
    for (RegistryProvider p :
        ServiceLoader.load(RegistryProvider.class, Registries.class.getClassLoader())) {
      rules.putAll(p.tls(env));
    }
    return rules;
  }

  public RegistryContext context() {
    return context;
  }

  public boolean has(String name) {
    return byPrefix.containsKey(name);
  }

  public Registry get(String name) {
    RegistryProvider p = byPrefix.get(name);
    if (p == null) {
      throw GpuxException.invalidInput(
          "no registry named '" + name + "'",
          "installed registries: " + String.join(", ", new TreeSet<>(canonicalNames())));
    }
    return created.computeIfAbsent(p.name(), n -> p.create(context));
  }

  /** A reference parser that knows the built-in prefixes and every installed plug-in's. */
  public ModelRefParser parser() {
    Map<String, String> prefixes = new LinkedHashMap<>(ModelRefParser.BUILT_IN_PREFIXES);
    byPrefix.forEach((prefix, p) -> prefixes.put(prefix, p.name()));
    return new ModelRefParser(prefixes);
  }

  private java.util.Set<String> canonicalNames() {
    java.util.Set<String> names = new TreeSet<>();
    byPrefix.values().forEach(p -> names.add(p.name()));
    return names;
  }
}
