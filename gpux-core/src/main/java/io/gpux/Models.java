package io.gpux;

import io.gpux.error.GpuxException;
import io.gpux.pull.ModelPuller;
import io.gpux.pull.PullResult;
import io.gpux.ref.ModelRef;
import io.gpux.registry.Async;
import io.gpux.registry.ModelSummary;
import io.gpux.registry.PullOptions;
import io.gpux.registry.PushRequest;
import io.gpux.registry.PushResult;
import io.gpux.registry.Pushable;
import io.gpux.registry.Registries;
import io.gpux.registry.RemoteVersion;
import io.gpux.registry.SearchQuery;
import io.gpux.registry.Searchable;
import io.gpux.registry.Versioned;
import io.gpux.store.ModelStore;
import io.gpux.store.VersionManifest;
import io.gpux.transfer.TransferListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * Models by reference, across registries and the local store: parse, pull, find what is stored,
 * remove, push, list a model's versions, search. Get it from {@link Gpux#models()}.
 */
public final class Models {
  private final Resources resources;

  Models(Resources resources) {
    this.resources = resources;
  }

  /** Parses a model reference with the installed registries' prefixes and grammars. */
  public ModelRef reference(String text) {
    return resources.registries().parser().parse(text);
  }

  /** {@code gpux pull}: fetches a model version into the store (a no-op when it is there). */
  public PullResult pull(String reference, PullOptions options, TransferListener listener) {
    ModelRef ref = reference(reference);
    if (resources.settings.offline()) {
      VersionManifest stored = findStored(ref, options.selection());
      if (stored != null) {
        return new PullResult(stored, true, 0, stored.files().size(), 0, 0);
      }
    }
    // The store opens (SQLite, migrations: ~0.14 s) while the registry resolves the reference;
    // Resources.close() waits for it, so a pull that fails fast never leaves it writing.
    CompletableFuture<ModelStore> opening = resources.openStoreAsync();
    return new ModelPuller(
            resources.registries(),
            () -> Async.join(opening),
            resources.transfer(),
            resources.settings.clock())
        .pull(ref, options, listener);
  }

  /**
   * Whether {@code gpux run REFERENCE} should pull first, as {@code docker run} does: the reference
   * names a registry model the store lacks, it is not a local path, and the process is not offline
   * (then the missing model is reported instead).
   */
  public boolean needsPull(String reference) {
    if (resources.settings.offline()
        || Files.exists(resources.workingDirectory.resolve(reference))) {
      return false;
    }
    ModelRef ref;
    try {
      ref = reference(reference);
    } catch (GpuxException notAReference) {
      return false; // the run reports what is wrong with it
    }
    return ref.registry() != null && findStored(ref) == null;
  }

  /**
   * The stored version a reference names, or null: an exact version, a tag, or the newest, among
   * the copies with the registry's default file selection (an exact version names any copy).
   */
  public VersionManifest findStored(ModelRef ref) {
    return findStored(ref, null);
  }

  /** {@link #findStored(ModelRef)} among the copies pulled with {@code selection}. */
  public VersionManifest findStored(ModelRef ref, String selection) {
    if (!Files.isDirectory(resources.settings.home())) {
      return null;
    }
    ModelStore store = resources.store();
    String qualifier = ref.qualifier() == null ? "latest" : ref.qualifier();
    if (ref.registry() != null) {
      return store.resolve(ref.registry(), ref.name(), qualifier, selection).orElse(null);
    }
    VersionManifest found = null;
    for (VersionManifest m : store.list()) {
      if (m.name().equals(ref.name())) {
        VersionManifest candidate =
            store.resolve(m.registry(), m.name(), qualifier, selection).orElse(null);
        if (candidate != null && found != null && !found.registry().equals(candidate.registry())) {
          throw GpuxException.invalidInput(
              "'"
                  + ref.name()
                  + "' is in the store from several registries ("
                  + found.registry()
                  + ", "
                  + candidate.registry()
                  + ")",
              "prefix it with the registry, e.g. " + candidate.registry() + ":" + ref.name());
        }
        found = candidate == null ? found : candidate;
      }
    }
    return found;
  }

  /** What {@link #remove} took out of the store. */
  public record Removal(String registry, String name, String version, int versions) {
    /** {@code registry:name}, or {@code registry:name@version} when one version went. */
    public String reference() {
      return registry + ":" + name + (version == null ? "" : "@" + version);
    }
  }

  /**
   * {@code gpux rm}: a reference with a version or tag removes that one version; a bare {@code
   * registry:name} removes every version; a name without a registry is looked up in the store first
   * (and must be unambiguous). The blobs stay until {@code gpux prune}.
   */
  public Removal remove(String reference) {
    ModelRef ref = reference(reference);
    String version = null;
    String registry = ref.registry();
    if (ref.qualifier() != null || registry == null) {
      VersionManifest m = findStored(ref);
      if (m == null) {
        throw notStored(reference);
      }
      registry = m.registry();
      version = ref.qualifier() == null ? null : m.version();
    }
    int removed =
        Files.isDirectory(resources.settings.home())
            ? resources.store().remove(registry, ref.name(), version)
            : 0;
    if (removed == 0) {
      throw notStored(reference);
    }
    return new Removal(registry, ref.name(), version, removed);
  }

  private static GpuxException notStored(String reference) {
    return GpuxException.notFound(reference + " is not in the store", "see `gpux list`");
  }

  /**
   * {@code gpux push}: uploads a model folder, a project (its folder), or a model in the store as a
   * new version of {@code target} in a registry that can take it.
   */
  public PushResult push(String source, String target, String alias) {
    ModelRef ref = reference(target);
    if (ref.registry() == null) {
      throw GpuxException.invalidInput(
          "push needs a registry in the target '" + target + "'", "e.g. mlflow:" + target);
    }
    Pushable registry =
        resources.registries().capability(ref.registry(), Pushable.class, "take pushes");
    Path dir = resources.workingDirectory.resolve(source);
    if (Files.isRegularFile(dir)) {
      dir = dir.toAbsolutePath().getParent(); // gpux.yml or model.onnx: its folder
    }
    if (!Files.isDirectory(dir)) {
      VersionManifest stored = null;
      try {
        stored = findStored(reference(source));
      } catch (GpuxException notARef) {
        // Neither a folder nor a reference: reported below.
      }
      if (stored == null) {
        throw GpuxException.notFound(
            "nothing to push at '" + source + "': not a folder, and not a model in the store",
            "give a model folder (MLmodel + model.onnx), a gpux project, or a pulled model");
      }
      dir = resources.store().materialize(stored);
    }
    return registry.push(new PushRequest(ref, dir, alias));
  }

  /** One of a model's versions in its registry, and whether the store has it. */
  public record VersionInfo(RemoteVersion remote, boolean pulled) {}

  /**
   * {@code gpux versions}: the registry's versions of a model, newest first, each marked when the
   * store has it. A reference with no registry means the default registry.
   */
  public List<VersionInfo> versions(String reference) {
    ModelRef ref = reference(reference);
    String registry = ref.registry() == null ? Registries.DEFAULT : ref.registry();
    List<RemoteVersion> remote =
        resources
            .registries()
            .capability(registry, Versioned.class, "list versions")
            .versions(ref.withRegistry(registry));
    Set<String> stored =
        Files.isDirectory(resources.settings.home())
            ? resources.store().versions(registry, ref.name()).stream()
                .map(VersionManifest::version)
                .collect(Collectors.toSet())
            : Set.of();
    List<VersionInfo> out = new ArrayList<>();
    for (RemoteVersion v : remote) {
      out.add(new VersionInfo(v, stored.contains(v.version())));
    }
    return out;
  }

  /** {@code gpux search -r REGISTRY}: models of one registry matching {@code query}. */
  public List<ModelSummary> search(String registry, SearchQuery query) {
    return resources.registries().capability(registry, Searchable.class, "search").search(query);
  }

  /**
   * The reference to a stored version in its registry's own grammar, for listings a user may paste
   * back: {@code hf:org/name@<commit>}, {@code mlflow:name/3}, {@code wandb:e/p/a:v2}.
   */
  public String exactReference(VersionManifest m) {
    return resources.registries().exactReference(m.registry(), m.name(), m.version());
  }

  /** What {@link #follow} returns: stop following with {@link #close}. */
  public interface Following extends AutoCloseable {
    /** The stored version the reference names now (as last seen). */
    VersionManifest current();

    @Override
    void close();
  }

  /**
   * Follows the stored version a reference names ({@code gpux serve --follow}): when its local name
   * moves ({@code gpux pull} of a moved branch or alias, {@code gpux update}, {@code gpux
   * rollback}, in this process or another), {@code moved} gets the version it names now, on a
   * thread of its own, one move at a time. The move is noticed from the store's index files
   * changing ({@link io.gpux.store.IndexWatch}), never by asking a registry.
   *
   * @throws GpuxException when the store holds nothing the reference names
   */
  public Following follow(String reference, java.util.function.Consumer<VersionManifest> moved) {
    ModelRef ref = reference(reference);
    VersionManifest first = findStored(ref);
    if (first == null) {
      throw GpuxException.notFound(
          reference + " is not in the store, so there is nothing to follow",
          "gpux pull " + reference + " first");
    }
    var seen = new java.util.concurrent.atomic.AtomicReference<>(first);
    io.gpux.store.IndexWatch watch;
    try {
      watch =
          io.gpux.store.IndexWatch.start(
              resources.settings.home(),
              java.time.Duration.ofSeconds(30),
              () -> {
                VersionManifest now = findStored(ref);
                if (now != null && !now.version().equals(seen.get().version())) {
                  seen.set(now);
                  moved.accept(now);
                }
              });
    } catch (java.io.IOException e) {
      throw GpuxException.unavailable(
          "cannot watch the store at " + resources.settings.home() + ": " + e.getMessage(),
          "check that GPUX_HOME is a local folder this user may read");
    }
    return new Following() {
      @Override
      public VersionManifest current() {
        return seen.get();
      }

      @Override
      public void close() {
        watch.close();
      }
    };
  }
}
