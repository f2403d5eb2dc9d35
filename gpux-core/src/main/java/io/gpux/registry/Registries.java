package io.gpux.registry;

import io.gpux.error.GpuxException;
import io.gpux.ref.ModelRefParser;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The installed registry plug-ins, found with {@link ServiceLoader}; each is created on first use.
 * A new registry is one package with a {@link RegistryProvider} and one line in {@code
 * META-INF/services/io.gpux.registry.RegistryProvider}: its prefixes, grammar and capabilities come
 * from the plug-in, nothing here names it.
 */
public final class Registries {
  public static final String DEFAULT = "hf";

  /**
   * Prefixes of registries GPUX knows of that are not plug-ins yet, so that {@code zoo:resnet50} is
   * refused with a clear message instead of being read as a local name with a tag.
   */
  static final Map<String, String> PLANNED = Map.of();

  private final RegistryContext context;
  private final List<RegistryProvider> providers = new ArrayList<>();
  private final Map<String, RegistryProvider> byPrefix = new LinkedHashMap<>();
  private final Map<String, Registry> created = new ConcurrentHashMap<>();
  private final ModelRefParser parser;

  public Registries(RegistryContext context) {
    this(context, installed());
  }

  Registries(RegistryContext context, Iterable<RegistryProvider> providers) {
    this.context = context;
    for (RegistryProvider p : providers) {
      this.providers.add(p);
      byPrefix.put(p.name(), p);
      p.aliases().forEach(a -> byPrefix.putIfAbsent(a, p));
    }
    this.parser = parser(this.providers);
  }

  private static Iterable<RegistryProvider> installed() {
    return ServiceLoader.load(RegistryProvider.class, Registries.class.getClassLoader());
  }

  /** A parser for the installed plug-ins' references, without creating any registry. */
  public static ModelRefParser installedParser() {
    List<RegistryProvider> all = new ArrayList<>();
    installed().forEach(all::add);
    return parser(all);
  }

  private static ModelRefParser parser(List<RegistryProvider> providers) {
    List<ModelRefParser.Prefix> prefixes = new ArrayList<>();
    Map<String, String> planned = new LinkedHashMap<>(PLANNED);
    for (RegistryProvider p : providers) {
      List<String> names = new ArrayList<>(List.of(p.name()));
      names.addAll(p.aliases());
      names.addAll(p.uriSchemes());
      for (String n : names) {
        prefixes.add(new ModelRefParser.Prefix(n, p.name(), p.grammar()));
        planned.remove(n);
      }
    }
    return new ModelRefParser(prefixes, planned);
  }

  /** The TLS rules every installed registry asks for in {@code env}, merged by host. */
  public static Map<String, io.gpux.transfer.TlsTrust.HostRule> tlsRules(Map<String, String> env) {
    Map<String, io.gpux.transfer.TlsTrust.HostRule> rules = new LinkedHashMap<>();
    for (RegistryProvider p : installed()) {
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
          "installed registries: " + String.join(", ", canonicalNames()));
    }
    return created.computeIfAbsent(p.name(), n -> p.create(context));
  }

  /**
   * The registry {@code name} as the capability {@code type} ({@link Searchable}, {@link
   * Versioned}, {@link Pushable}), or an error saying which installed registries have it.
   */
  public <T> T capability(String name, Class<T> type, String doing) {
    Registry r = get(name);
    if (type.isInstance(r)) {
      return type.cast(r);
    }
    List<String> able = new ArrayList<>();
    for (String n : canonicalNames()) {
      if (type.isInstance(get(n))) {
        able.add(n);
      }
    }
    throw GpuxException.unavailable(
        "the " + r.name() + " registry cannot " + doing,
        able.isEmpty()
            ? "no installed registry can"
            : "registries that can: " + String.join(", ", able));
  }

  /** A reference parser for every installed plug-in's prefixes and URI schemes. */
  public ModelRefParser parser() {
    return parser;
  }

  /**
   * The reference to one exact stored version, in its registry's own grammar ({@code
   * hf:org/name@<commit>}, {@code mlflow:name/3}, {@code wandb:e/p/a:v2}).
   */
  public String exactReference(String registry, String name, String version) {
    RegistryProvider p = byPrefix.get(registry);
    return p == null
        ? registry + ":" + name + "@" + version
        : p.grammar().exact(p.name(), name, version);
  }

  /**
   * What {@code gpux login TEXT} stores credentials under: a registry's canonical name ({@code
   * huggingface} gives {@code hf}), or one server of a registry ({@code oci://ghcr.io}).
   */
  public String account(String text) {
    if (has(text)) {
      return get(text).name();
    }
    for (RegistryProvider p : providers) {
      String key = p.account(text);
      if (key != null) {
        return key;
      }
    }
    return get(text).name(); // says which registries there are
  }

  /** Whether {@code text} is an account {@link #account} knows. */
  public boolean hasAccount(String text) {
    if (has(text)) {
      return true;
    }
    for (RegistryProvider p : providers) {
      if (p.account(text) != null) {
        return true;
      }
    }
    return false;
  }

  /**
   * The movable name a bare reference to {@code registry} asks for ({@code main}, {@code latest}).
   */
  public String defaultName(String registry) {
    RegistryProvider p = byPrefix.get(registry);
    return p == null ? "latest" : p.defaultName();
  }

  /** The canonical names of the installed registries, sorted. */
  public Set<String> canonicalNames() {
    Set<String> names = new TreeSet<>();
    providers.forEach(p -> names.add(p.name()));
    return names;
  }
}
