package io.gpux.registry;

import io.gpux.GpuxException;
import io.gpux.ref.ModelRef;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One model registry. Implementations are created by a {@link RegistryProvider} with a {@link
 * RegistryContext} (HTTP, credentials, environment) and must be thread-safe.
 *
 * <p>Errors are {@link GpuxException}s whose hint names the fix (a missing token names the variable
 * to set; a missing version lists the ones that exist). Credentials never appear in messages, URLs
 * or lineage.
 */
public interface Registry {
  /** The canonical name, which is also the reference prefix: {@code hf}. */
  String name();

  /**
   * Resolves a reference to one exact version (a commit sha, a version number, a digest) and the
   * files to fetch, with sizes and digests where the registry has them.
   */
  ResolvedModel resolve(ModelRef ref, PullOptions options);

  /**
   * Called once the files are downloaded and verified ({@code files} maps each path in the model to
   * where its bytes are): returns files derived from them that the model needs, such as a generated
   * gpux.yml. The default derives nothing.
   */
  default List<DerivedFile> derive(ResolvedModel model, Map<String, Path> files) {
    return List.of();
  }

  /**
   * How this registry's references name one exact version, for messages and listings that the user
   * may paste back: {@code hf:org/name@<commit>} by default.
   */
  default String exactReference(String model, String version) {
    return name() + ":" + model + "@" + version;
  }

  /** The versions (and tags or aliases pointing at them) of a model, newest first. */
  default List<RemoteVersion> versions(ModelRef ref) {
    throw GpuxException.unavailable(
        "the " + name() + " registry cannot list versions yet", "pull a version by name");
  }

  /** Uploads a model folder as a new version (and alias); most registries are pull-only. */
  default PushResult push(PushRequest request) {
    throw GpuxException.unavailable(
        "the " + name() + " registry does not support push yet",
        "push to a registry that does, e.g. mlflow:<name>");
  }

  /** Models matching a query, for the cross-registry search. */
  default List<ModelSummary> search(SearchQuery query) {
    throw GpuxException.unavailable("the " + name() + " registry cannot search yet", null);
  }
}
