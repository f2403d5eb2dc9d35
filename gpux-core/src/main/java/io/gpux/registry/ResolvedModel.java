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
 * @param conversion null for a model that is ONNX already; else what its files are, which a {@link
 *     ModelConverter} turns into ONNX once they are downloaded and verified
 */
public record ResolvedModel(
    String registry,
    String name,
    String version,
    String requested,
    String source,
    List<RemoteFile> files,
    Map<String, String> lineage,
    Conversion conversion) {

  public ResolvedModel {
    files = List.copyOf(files);
    lineage = Map.copyOf(lineage);
  }

  public ResolvedModel(
      String registry,
      String name,
      String version,
      String requested,
      String source,
      List<RemoteFile> files,
      Map<String, String> lineage) {
    this(registry, name, version, requested, source, files, lineage, null);
  }
}
