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

  public long sizeBytes() {
    return files.stream().mapToLong(ManifestFile::size).sum();
  }

  /** {@code registry:name@version}. */
  public String reference() {
    return registry + ":" + name + "@" + version;
  }
}
