package io.gpux.registry;

import io.gpux.error.GpuxException;
import io.gpux.ref.ModelRef;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One model registry: it resolves references to exact versions and their files. What only some
 * registries can do is declared by implementing a capability: {@link Searchable}, {@link
 * Versioned}, {@link Pushable}; {@link Registries#capability} finds it or says which registries
 * have it.
 *
 * <p>Implementations are created by a {@link RegistryProvider} with a {@link RegistryContext}
 * (HTTP, credentials, environment) and must be thread-safe.
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
   * Where within the registry a model's lineage says it came from, when one registry holds several
   * models under one name and version (an MLflow workspace); null when a name and version say it
   * all. A pull refuses to take a stored version of another origin for the one it resolved.
   */
  default String origin(Map<String, String> lineage) {
    return null;
  }

  /**
   * The fix for a file download this registry's server refused (HTTP 401 or 403): where this
   * registry's credentials come from. The transfer engine serves every registry and cannot know
   * that, so the puller hands this to it with each file.
   */
  default String accessHint() {
    return "check the credentials for "
        + name()
        + " (gpux login "
        + name()
        + ") and that the account may read this model";
  }
}
