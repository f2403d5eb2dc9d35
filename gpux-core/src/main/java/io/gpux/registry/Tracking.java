package io.gpux.registry;

import io.gpux.ref.ModelRef;
import java.util.Map;

/**
 * A registry capability: what a movable name (a branch, tag, alias, stage, {@code latest}) points
 * to now, from metadata alone, for {@code gpux outdated} and {@code gpux update}.
 *
 * <p>Why not {@link Registry#resolve}: a resolve prepares a pull, and some registries read file
 * bytes for it (MLflow fetches the MLmodel file to refuse a model with no ONNX flavor, W&amp;B asks
 * for signed download URLs and the producing run). A check of a hundred models must cost one
 * metadata request per model where the registry allows it, and nothing when the name has not moved;
 * so a registry answers here with the exact version first and lists the files (with the sizes and
 * digests its metadata has) only when that version is not the one the store has.
 */
public interface Tracking {
  /**
   * The reference that asks this registry again for what {@code requested} named when a version was
   * pulled ({@code main}, an alias, a stage), given the stored version's lineage.
   */
  ModelRef movable(String name, String requested, Map<String, String> lineage);

  /**
   * What {@code movable} points to now.
   *
   * @param options the file selection the stored copy was pulled with (variant, include, exclude)
   * @param localVersion the exact version the store has for it: when the name still points there, a
   *     registry may answer without listing files
   */
  RemoteHead head(ModelRef movable, PullOptions options, String localVersion);
}
