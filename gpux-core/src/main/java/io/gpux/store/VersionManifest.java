package io.gpux.store;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable record of one pulled model version.
 *
 * @param version the registry's exact version: a commit sha, an MLflow version number, a W&amp;B
 *     {@code vN:digest}, an OCI digest
 * @param requested what the user asked for (a branch, an alias), which may move later; or null
 * @param source where it came from, as a URL without credentials; or null
 * @param lineage provenance: the producing run, the registry's metadata (never credentials)
 */
public record VersionManifest(
    int schemaVersion,
    String registry,
    String name,
    String version,
    String requested,
    Instant pulledAt,
    String source,
    List<ManifestFile> files,
    Map<String, String> lineage) {

  public static final int SCHEMA_VERSION = 1;

  public VersionManifest {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(pulledAt, "pulledAt");
    files = List.copyOf(files);
    // A registry that has no value for a lineage key has nothing to record; keep the key out.
    Map<String, String> present = new LinkedHashMap<>();
    if (lineage != null) {
      lineage.forEach(
          (k, v) -> {
            if (k != null && v != null) {
              present.put(k, v);
            }
          });
    }
    lineage = Map.copyOf(present);
  }

  /**
   * The lineage key that records a non-default file selection ({@code --variant}, {@code
   * --include}, {@code --exclude}); such a copy is stored as version {@code <version>+<selection>}.
   */
  public static final String SELECTION = "selection";

  /** The file selection this copy was pulled with, or null for the registry's default. */
  public String selection() {
    return lineage.get(SELECTION);
  }

  /** The version as the registry names it, without the selection suffix. */
  public String registryVersion() {
    String s = selection();
    return s != null && version.endsWith("+" + s)
        ? version.substring(0, version.length() - s.length() - 1)
        : version;
  }

  /** The stored version of a copy: {@code version}, or {@code version+selection}. */
  public static String storedVersion(String version, String selection) {
    return selection == null ? version : version + "+" + selection;
  }

  public long sizeBytes() {
    return files.stream().mapToLong(ManifestFile::size).sum();
  }

  /** {@code registry:name@version}. */
  public String reference() {
    return registry + ":" + name + "@" + version;
  }
}
