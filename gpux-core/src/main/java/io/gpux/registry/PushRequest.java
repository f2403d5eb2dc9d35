package io.gpux.registry;

import java.nio.file.Path;
import java.util.Map;

/**
 * What to push: every file under {@code directory} (a model folder or a project) as a new version
 * of {@code target}, optionally pointing {@code alias} at it.
 *
 * @param annotations key=value pairs the user asked to attach (OCI manifest annotations); a
 *     registry without such a notion ignores them
 * @param lineage the provenance of a stored model being pushed (never credentials), else empty
 * @param from the exact reference of the stored model being pushed, or null for a folder
 * @param sha256 the files' sha256 (hex) by path where they are already known: a stored model's
 *     files were verified when they entered the store, so a registry that names blobs by digest
 *     need not read them twice; empty for a folder
 */
public record PushRequest(
    io.gpux.ref.ModelRef target,
    Path directory,
    String alias,
    Map<String, String> annotations,
    Map<String, String> lineage,
    String from,
    Map<String, String> sha256) {

  public PushRequest {
    annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    lineage = lineage == null ? Map.of() : Map.copyOf(lineage);
    sha256 = sha256 == null ? Map.of() : Map.copyOf(sha256);
  }

  public PushRequest(
      io.gpux.ref.ModelRef target,
      Path directory,
      String alias,
      Map<String, String> annotations,
      Map<String, String> lineage,
      String from) {
    this(target, directory, alias, annotations, lineage, from, Map.of());
  }

  public PushRequest(io.gpux.ref.ModelRef target, Path directory, String alias) {
    this(target, directory, alias, Map.of(), Map.of(), null);
  }
}
