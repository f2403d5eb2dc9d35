package io.gpux.server;

import io.gpux.error.GpuxException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The models a server answers for, by name and version. Several versions of one model can be served
 * side by side; a request that names no version gets the default one: the highest when every
 * version is a number (Triton's "latest" policy), else the one listed last.
 *
 * <p>Models can be added and removed while requests read the catalog (explicit model control):
 * readers see an immutable snapshot, writers replace it.
 */
final class ModelCatalog {
  private static final java.util.regex.Pattern NUMBER =
      java.util.regex.Pattern.compile("\\d{1,18}");
  private volatile Map<String, List<ServedModel>> byName;

  ModelCatalog(List<ServedModel> served) {
    Map<String, List<ServedModel>> map = new LinkedHashMap<>();
    for (ServedModel m : served) {
      List<ServedModel> versions = map.computeIfAbsent(m.name(), k -> new ArrayList<>());
      if (versions.stream().anyMatch(v -> v.version().equals(m.version()))) {
        throw GpuxException.invalidInput(
            "model " + m.name() + " version " + m.version() + " is given twice",
            "serve each version once; versions come from gpux.yml's `version`");
      }
      versions.add(m);
    }
    byName = freeze(map);
  }

  static String key(ServedModel m) {
    return m.name() + "\u0000" + m.version();
  }

  private static Map<String, List<ServedModel>> freeze(Map<String, List<ServedModel>> map) {
    Map<String, List<ServedModel>> frozen = new LinkedHashMap<>();
    map.forEach((k, v) -> frozen.put(k, List.copyOf(v)));
    return Collections.unmodifiableMap(frozen);
  }

  /** Adds a model, or replaces the one with its name and version; returns the replaced one. */
  synchronized ServedModel put(ServedModel m) {
    Map<String, List<ServedModel>> map = new LinkedHashMap<>(byName);
    List<ServedModel> versions = new ArrayList<>(map.getOrDefault(m.name(), List.of()));
    ServedModel old = null;
    for (int i = 0; i < versions.size(); i++) {
      if (versions.get(i).version().equals(m.version())) {
        old = versions.set(i, m);
      }
    }
    if (old == null) {
      versions.add(m);
    }
    map.put(m.name(), versions);
    byName = freeze(map);
    return old;
  }

  /** Removes every version of a model; returns them (empty when it was not served). */
  /** Takes one version of a model out (the name stays while other versions are served). */
  synchronized void remove(String name, String version) {
    Map<String, List<ServedModel>> map = new LinkedHashMap<>(byName);
    List<ServedModel> versions = new ArrayList<>(map.getOrDefault(name, List.of()));
    versions.removeIf(v -> v.version().equals(version));
    if (versions.isEmpty()) {
      map.remove(name);
    } else {
      map.put(name, versions);
    }
    byName = freeze(map);
  }

  synchronized List<ServedModel> remove(String name) {
    Map<String, List<ServedModel>> map = new LinkedHashMap<>(byName);
    List<ServedModel> removed = map.remove(name);
    byName = freeze(map);
    return removed == null ? List.of() : removed;
  }

  List<ServedModel> all() {
    List<ServedModel> all = new ArrayList<>();
    byName.values().forEach(all::addAll);
    return all;
  }

  Set<String> names() {
    return byName.keySet();
  }

  /**
   * The served name a client's name stands for, or null. A stored model's name can hold a '/'
   * ({@code acme/digits} from {@code hf:acme/digits}), which Triton and KServe names never do, so
   * each such name also answers to its alias with {@code --} for every '/' ({@code acme--digits};
   * Hugging Face forbids "--" in names, so the alias is never another model's name).
   */
  String canonical(String name) {
    Map<String, List<ServedModel>> now = byName;
    if (now.containsKey(name)) {
      return name;
    }
    if (name.contains("--")) {
      String slashed = name.replace("--", "/");
      if (now.containsKey(slashed)) {
        return slashed;
      }
    }
    return null;
  }

  /**
   * How many of {@code segments}, from {@code from}, spell a served name: names with '/' come in a
   * URL either percent-encoded (one segment) or as they are (tritonclient quotes names with '/'
   * left alone), so the longest run of segments that names a model wins. 0 when none does.
   */
  int match(List<String> segments, int from) {
    for (int n = segments.size() - from; n >= 1; n--) {
      if (canonical(String.join("/", segments.subList(from, from + n))) != null) {
        return n;
      }
    }
    return 0;
  }

  /** The default version of the first model: what the Python GPUX's single-model routes use. */
  ServedModel first() {
    Map<String, List<ServedModel>> now = byName;
    if (now.isEmpty()) {
      throw new HttpError(404, "no model is loaded; POST /v2/repository/models/NAME/load");
    }
    return defaultVersion(now.values().iterator().next());
  }

  /** The default version of a model. */
  ServedModel get(String name) {
    return defaultVersion(versions(name));
  }

  ServedModel get(String name, String version) {
    List<ServedModel> versions = versions(name);
    return versions.stream()
        .filter(v -> v.version().equals(version))
        .findFirst()
        .orElseThrow(
            () ->
                new HttpError(
                    404,
                    "model "
                        + name
                        + " has no version "
                        + version
                        + "; this server has versions "
                        + versions.stream().map(ServedModel::version).toList()));
  }

  List<ServedModel> versions(String name) {
    Map<String, List<ServedModel>> now = byName;
    String served = canonical(name);
    List<ServedModel> versions = served == null ? null : now.get(served);
    if (versions == null) {
      throw new HttpError(404, "no model named '" + name + "'; this server has " + now.keySet());
    }
    return versions;
  }

  private static ServedModel defaultVersion(List<ServedModel> versions) {
    // Asked on every request that names no version: a precompiled pattern, not String.matches.
    boolean numeric = versions.stream().allMatch(v -> NUMBER.matcher(v.version()).matches());
    if (!numeric) {
      return versions.get(versions.size() - 1);
    }
    ServedModel best = versions.get(0);
    for (ServedModel v : versions) {
      if (Long.parseLong(v.version()) > Long.parseLong(best.version())) {
        best = v;
      }
    }
    return best;
  }
}
