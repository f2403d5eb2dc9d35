package io.gpux.registry;

import java.util.List;
import java.util.Map;

/**
 * A reference resolved to one exact version.
 *
 * @param version the registry's exact version: a commit sha, a version number, a digest
 * @param requested what was asked for (a branch, an alias, "latest")
 * @param source where it came from, as a URL without credentials
 * @param lineage provenance to store with the version (free-form; never credentials)
 */
public record ResolvedModel(
    String registry,
    String name,
    String version,
    String requested,
    String source,
    List<RemoteFile> files,
    Map<String, String> lineage) {

  public ResolvedModel {
    files = List.copyOf(files);
    lineage = Map.copyOf(lineage);
  }
}
