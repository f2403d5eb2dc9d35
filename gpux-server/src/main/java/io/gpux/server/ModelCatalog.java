package io.gpux.server;

import io.gpux.GpuxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The models a server answers for, by name and version. Several versions of one model can be served
 * side by side; a request that names no version gets the default one: the highest when every
 * version is a number (Triton's "latest" policy), else the one listed last.
 */
final class ModelCatalog {
  private final Map<String, List<ServedModel>> byName = new LinkedHashMap<>();

  ModelCatalog(List<ServedModel> served) {
    for (ServedModel m : served) {
      List<ServedModel> versions = byName.computeIfAbsent(m.name(), k -> new ArrayList<>());
      if (versions.stream().anyMatch(v -> v.version().equals(m.version()))) {
        throw GpuxException.invalidInput(
            "model " + m.name() + " version " + m.version() + " is given twice",
            "serve each version once; versions come from gpux.yml's `version`");
      }
      versions.add(m);
    }
  }

  static String key(ServedModel m) {
    return m.name() + "\u0000" + m.version();
  }

  List<ServedModel> all() {
    List<ServedModel> all = new ArrayList<>();
    byName.values().forEach(all::addAll);
    return all;
  }

  Set<String> names() {
    return byName.keySet();
  }

  /** The default version of the first model: what the Python GPUX's single-model routes use. */
  ServedModel first() {
    return defaultVersion(byName.values().iterator().next());
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
    List<ServedModel> versions = byName.get(name);
    if (versions == null) {
      throw new HttpError(404, "no model named '" + name + "'; this server has " + names());
    }
    return versions;
  }

  private static ServedModel defaultVersion(List<ServedModel> versions) {
    boolean numeric = versions.stream().allMatch(v -> v.version().matches("\\d{1,18}"));
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
