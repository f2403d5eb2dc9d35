package io.gpux.store;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * An immutable record of one pulled model version.
 *
 * @param version the registry's exact version: a commit sha, a version number, a digest
 * @param requested what the user asked for (a branch, an alias), which may move later
 * @param source where it came from, as a URL without credentials
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
    files = List.copyOf(files);
    lineage = Map.copyOf(lineage);
  }

  public long sizeBytes() {
    return files.stream().mapToLong(ManifestFile::size).sum();
  }

  /** {@code registry:name@version}. */
  public String reference() {
    return registry + ":" + name + "@" + version;
  }
}
