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
 */
public record PushRequest(
    io.gpux.ref.ModelRef target,
    Path directory,
    String alias,
    Map<String, String> annotations,
    Map<String, String> lineage,
    String from) {

  public PushRequest {
    annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    lineage = lineage == null ? Map.of() : Map.copyOf(lineage);
  }

  public PushRequest(io.gpux.ref.ModelRef target, Path directory, String alias) {
    this(target, directory, alias, Map.of(), Map.of(), null);
  }
}
