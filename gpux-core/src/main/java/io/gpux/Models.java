package io.gpux;

import io.gpux.diff.ModelDiff;
import io.gpux.diff.ModelDiffer;
import io.gpux.error.GpuxException;
import io.gpux.lineage.CycloneDxBom;
import io.gpux.lineage.ModelLineage;
import io.gpux.lock.LockRestorer;
import io.gpux.lock.LockedModel;
import io.gpux.lock.Lockfile;
import io.gpux.lock.SyncReport;
import io.gpux.project.Project;
import io.gpux.project.ProjectConfig;
import io.gpux.project.ProjectLocator;
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
import java.util.Map;
import java.util.concurrent.CompletableFuture;

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
        .pulledBy(GpuxVersion.VALUE)
        .converter(resources.pullConverter())
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
    if (ref.registry() != null) {
      return resolveStored(store, ref.registry(), ref, selection);
    }
    VersionManifest found = null;
    for (VersionManifest m : store.list()) {
      if (m.name().equals(ref.name())) {
        VersionManifest candidate = resolveStored(store, m.registry(), ref, selection);
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

  /**
   * A bare reference follows the local name of the registry's default ({@code main} on the Hub)
   * when the store has one, so that it runs what {@code gpux update} and {@code gpux rollback} put
   * there; otherwise {@code latest}: the tag of that name, else the newest pull.
   */
  private VersionManifest resolveStored(
      ModelStore store, String registry, ModelRef ref, String selection) {
    if (ref.qualifier() != null) {
      return store.resolve(registry, ref.name(), ref.qualifier(), selection).orElse(null);
    }
    String name = resources.registries().defaultName(registry);
    if (!name.equals("latest")) {
      VersionManifest followed = store.resolve(registry, ref.name(), name, selection).orElse(null);
      if (followed != null) {
        return followed;
      }
    }
    return store.resolve(registry, ref.name(), "latest", selection).orElse(null);
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
        throw notInStore(ref, reference, "see `gpux list`");
      }
      registry = m.registry();
      version = ref.qualifier() == null ? null : m.version();
    }
    int removed =
        Files.isDirectory(resources.settings.home())
            ? resources.store().remove(registry, ref.name(), version)
            : 0;
    if (removed == 0) {
      throw notInStore(ref.withRegistry(registry), reference, "see `gpux list`");
    }
    return new Removal(registry, ref.name(), version, removed);
  }

  /**
   * The error for a model this workspace's store lacks: "REF is not in the store of workspace W",
   * naming the other workspaces that hold it, since their copies are theirs (another endpoint may
   * have given them other bytes under the same name).
   */
  GpuxException notInStore(ModelRef ref, String shown, String hint) {
    String registry = ref.registry() == null ? Registries.DEFAULT : ref.registry();
    if (!Files.isDirectory(resources.settings.home())) {
      return GpuxException.notFound(
          shown + " is not in the store of workspace " + resources.settings.workspace(), hint);
    }
    return resources.store().notStored(shown, registry, ref.name(), null, hint);
  }

  /**
   * {@code gpux push}: uploads a model folder, a project (its folder), or a model in the store as a
   * new version of {@code target} in a registry that can take it.
   */
  public PushResult push(String source, String target, String alias) {
    return push(source, target, alias, Map.of());
  }

  /**
   * {@link #push(String, String, String)} with {@code annotations} (OCI manifest annotations,
   * {@code --annotation k=v}) for registries that keep them.
   */
  public PushResult push(
      String source, String target, String alias, Map<String, String> annotations) {
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
      return registry.push(
          new PushRequest(
              ref,
              dir,
              alias,
              annotations,
              stored.lineage(),
              exactReference(stored),
              stored.files().stream()
                  .collect(
                      java.util.stream.Collectors.toMap(
                          io.gpux.store.ManifestFile::path, io.gpux.store.ManifestFile::sha256))));
    }
    return registry.push(new PushRequest(ref, dir, alias, annotations, Map.of(), null));
  }

  /**
   * {@code gpux export REF... -o FILE.tar}: stored models into one OCI image layout archive, each
   * entry named {@code <registry>/<name>:<tag>} ({@code org.opencontainers.image.ref.name}).
   */
  public List<io.gpux.bundle.Bundle.Entry> exportBundle(List<String> references, Path file) {
    Map<String, VersionManifest> models = new java.util.LinkedHashMap<>();
    Map<String, String> exact = new java.util.LinkedHashMap<>();
    for (String text : references) {
      ModelRef ref = reference(text);
      VersionManifest m = findStored(ref);
      if (m == null) {
        throw notInStore(ref, text, "see `gpux list`");
      }
      String name = bundleName(m);
      models.put(name, m);
      exact.put(name, exactReference(m));
    }
    if (models.isEmpty()) {
      throw GpuxException.invalidInput(
          "nothing to export", "name the models: gpux export hf:org/m -o models.tar");
    }
    return io.gpux.bundle.BundleWriter.write(
        resources.store(), models, exact, resources.workingDirectory.resolve(file));
  }

  /**
   * {@code gpux import FILE.tar}: the models of a bundle into the store, every blob verified
   * against its digest first; no socket is opened (works with {@code GPUX_OFFLINE=1}).
   */
  public List<io.gpux.bundle.Bundle.Entry> importBundle(Path file) {
    return io.gpux.bundle.BundleReader.read(
        resources.store(),
        resources.workingDirectory.resolve(file),
        resources.settings.clock().instant(),
        GpuxVersion.VALUE);
  }

  /** A model's name in a bundle: registry/name:tag with only the characters layouts allow. */
  static String bundleName(VersionManifest m) {
    String tag = m.requested() != null ? m.requested() : m.registryVersion();
    tag = tag.replaceAll("[^A-Za-z0-9._-]", "-");
    if (tag.length() > 64) {
      tag = tag.substring(0, 64);
    }
    String name = (m.registry() + "/" + m.name()).replaceAll("[^A-Za-z0-9._/-]", "-");
    return name + ":" + tag;
  }

  /**
   * One of a model's versions in its registry, and what the store has of it.
   *
   * @param pulled whether the store has it
   * @param localNames the store's local names pointing at it ({@code main}, {@code champion}): the
   *     version the local name runs
   * @param size its bytes: the stored copy's, else the registry's when it says, else -1
   */
  public record VersionInfo(
      RemoteVersion remote, boolean pulled, List<String> localNames, long size) {
    public VersionInfo {
      localNames = List.copyOf(localNames);
    }
  }

  /**
   * {@code gpux versions}: the registry's versions of a model, newest first, each marked when the
   * store has it and with the local names pointing at it. A reference with no registry means the
   * default registry.
   */
  public List<VersionInfo> versions(String reference) {
    ModelRef ref = reference(reference);
    String registry = ref.registry() == null ? Registries.DEFAULT : ref.registry();
    List<RemoteVersion> remote =
        resources
            .registries()
            .capability(registry, Versioned.class, "list versions")
            .versions(ref.withRegistry(registry));
    java.util.Map<String, VersionManifest> stored = new java.util.HashMap<>();
    java.util.Map<String, List<String>> names = new java.util.HashMap<>();
    if (Files.isDirectory(resources.settings.home())) {
      ModelStore store = resources.store();
      for (VersionManifest m : store.versions(registry, ref.name())) {
        if (m.selection() == null) {
          stored.put(m.version(), m);
        }
      }
      for (var n : store.localNames(registry, ref.name())) {
        names.computeIfAbsent(n.version(), k -> new ArrayList<>()).add(n.tag());
      }
    }
    List<VersionInfo> out = new ArrayList<>();
    for (RemoteVersion v : remote) {
      VersionManifest m = stored.get(v.version());
      out.add(
          new VersionInfo(
              v,
              m != null,
              names.getOrDefault(v.version(), List.of()),
              m != null ? m.sizeBytes() : v.size()));
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

  /**
   * {@code gpux lock}: what each reference names in the store (what {@code gpux run REF} would
   * run), pulled first when the store lacks it, as a lockfile: registry, movable name, exact
   * version, every registry file's path, size and sha256. Deterministic: the same store gives the
   * same bytes.
   */
  public Lockfile lock(List<String> references, TransferListener listener) {
    List<LockedModel> out = new ArrayList<>();
    for (String text : references) {
      out.add(locked(text, listener));
    }
    return new Lockfile(out);
  }

  private LockedModel locked(String text, TransferListener listener) {
    ModelRef ref = reference(text);
    VersionManifest m = findStored(ref);
    if (m == null) {
      m = pull(text, PullOptions.defaults(), listener).manifest();
    }
    String q = ref.qualifier();
    // Locked by an exact version (or a short commit) there is no movable name to record.
    String requested = q == null ? m.requested() : m.registryVersion().startsWith(q) ? null : q;
    return LockedModel.of(m, requested);
  }

  /**
   * {@code gpux sync FILE} and {@code gpux pull --locked FILE}: restores exactly the locked bytes,
   * fetching only what the store lacks; refuses, changing nothing, a lockfile that disagrees with
   * the store or the registry, naming the first difference.
   */
  public SyncReport sync(String lockfile, TransferListener listener) {
    Path file = resources.workingDirectory.resolve(lockfile);
    String text;
    try {
      text = Files.readString(file, java.nio.charset.StandardCharsets.UTF_8);
    } catch (java.nio.file.NoSuchFileException e) {
      throw GpuxException.notFound(
          "no lockfile at " + lockfile, "write one with `gpux lock REF... -o " + lockfile + "`");
    } catch (java.io.IOException e) {
      throw GpuxException.invalidInput(
          "cannot read " + lockfile + ": " + e.getMessage(), "check the path");
    }
    return restorer().restore(Lockfile.parse(text, lockfile), lockfile, listener);
  }

  private LockRestorer restorer() {
    return restorer(puller());
  }

  /** The pull pipeline on this process's store and transfer engine (a batch shares one). */
  ModelPuller puller() {
    return new ModelPuller(
            resources.registries(),
            resources::store,
            resources.transfer(),
            resources.settings.clock())
        .pulledBy(GpuxVersion.VALUE)
        .converter(resources.pullConverter());
  }

  /** A lockfile restore that pulls with {@code puller}. */
  LockRestorer restorer(ModelPuller puller) {
    return new LockRestorer(
        resources.registries(), resources::store, puller, resources.settings.offline());
  }

  /**
   * {@code gpux lineage}: where a stored version came from: registry, server, movable name, exact
   * version, files with digests, the producing run with its parameters and metrics, and when and by
   * which GPUX it was pulled. Never credentials.
   */
  public ModelLineage lineage(String reference) {
    VersionManifest m = stored(reference);
    return ModelLineage.of(
        m, resources.store().tagsOf(m.registry(), m.name(), m.version()), exactReference(m));
  }

  /** {@code gpux lineage --format cyclonedx}: the lineage as a CycloneDX 1.6 ML-BOM (JSON). */
  public String cycloneDx(String reference) {
    return CycloneDxBom.json(
        lineage(reference), GpuxVersion.VALUE, resources.settings.clock().instant());
  }

  /**
   * {@code gpux diff A B}: two stored versions (of one model or two) side by side: files by digest
   * and size, the ONNX signature, opsets and metadata, labels, and the run metrics the registries
   * state.
   */
  public ModelDiff diff(String a, String b) {
    VersionManifest ma = stored(a);
    VersionManifest mb = stored(b);
    return ModelDiffer.diff(side(ma), side(mb));
  }

  private ModelDiffer.Side side(VersionManifest m) {
    return new ModelDiffer.Side(exactReference(m), m, resources.store().materialize(m));
  }

  /** The stored version a reference names, or a not-found error that says how to get it. */
  private VersionManifest stored(String reference) {
    ModelRef ref = reference(reference);
    VersionManifest m = findStored(ref);
    if (m == null) {
      String full = (ref.registry() == null ? Registries.DEFAULT + ":" : "") + ref;
      throw notInStore(ref, full, "run `gpux pull " + full + "` first (see `gpux list`)");
    }
    return m;
  }

  /**
   * A project whose {@code model.source} is a registry reference ({@code hf:org/name@rev}, {@code
   * mlflow:fraud@champion}) with the source replaced by the stored model's ONNX file; any other
   * project as it is. The project's {@code gpux.lock} wins when it locks this source (its version
   * is restored, fetching only what the store lacks); otherwise the store's version is used, pulled
   * when missing, and with {@code writeLock} (gpux build) locked beside gpux.yml.
   */
  Project withSource(Project project, boolean writeLock) {
    String source = project.config().model().source();
    if (project.configFile() == null || Files.exists(project.directory().resolve(source))) {
      return project;
    }
    ModelRef ref;
    try {
      ref = reference(source);
    } catch (GpuxException notAReference) {
      return project; // a missing file: loading says so
    }
    if (ref.registry() == null) {
      return project;
    }
    Path lockPath = project.directory().resolve(Lockfile.FILE_NAME);
    Lockfile lock = Files.isRegularFile(lockPath) ? readLock(lockPath) : null;
    LockedModel locked = lock == null ? null : lock.find(ref.registry(), ref.name());
    if (locked != null && !locks(locked, ref)) {
      locked = null; // model.source names another version now: lock that one
    }
    VersionManifest m;
    if (locked != null) {
      restorer().restore(new Lockfile(List.of(locked)), lockPath.toString(), TransferListener.NONE);
      m =
          resources
              .store()
              .manifest(locked.registry(), locked.name(), locked.storedVersion())
              .get();
    } else {
      LockedModel fresh = locked(source, TransferListener.NONE);
      m = resources.store().manifest(fresh.registry(), fresh.name(), fresh.storedVersion()).get();
      if (writeLock) {
        List<LockedModel> entries = new ArrayList<>();
        if (lock != null) {
          lock.models().stream().filter(e -> !e.key().equals(fresh.key())).forEach(entries::add);
        }
        entries.add(fresh);
        writeAtomically(lockPath, new Lockfile(entries).write());
      }
    }
    Path modelFile = ProjectLocator.fromDirectory(resources.store().materialize(m)).modelFile();
    ProjectConfig c = project.config();
    ProjectConfig resolved =
        new ProjectConfig(
            c.name(),
            c.version(),
            c.description(),
            new ProjectConfig.ModelSection(
                modelFile.toString(), c.model().format(), c.model().version()),
            c.inputs(),
            c.outputs(),
            c.runtime(),
            c.serving(),
            c.preprocessing(),
            c.metadata());
    return new Project(resolved, project.configFile(), project.directory(), project.warnings());
  }

  /**
   * The lock entry of a project's registry {@code model.source}, or null (a file source, or no lock
   * yet): what {@code gpux build} locked.
   */
  LockedModel lockedSource(Project project) {
    Path lockPath = project.directory().resolve(Lockfile.FILE_NAME);
    String source = project.config().model().source();
    if (project.configFile() == null || !Files.isRegularFile(lockPath)) {
      return null;
    }
    ModelRef ref;
    try {
      ref = reference(source);
    } catch (GpuxException notAReference) {
      return null;
    }
    if (ref.registry() == null) {
      return null;
    }
    LockedModel locked = readLock(lockPath).find(ref.registry(), ref.name());
    return locked != null && locks(locked, ref) ? locked : null;
  }

  /** Whether a lock entry locks what {@code ref} asks for (the same movable name or version). */
  private static boolean locks(LockedModel locked, ModelRef ref) {
    String q = ref.qualifier();
    return q == null ? true : q.equals(locked.requested()) || locked.version().startsWith(q);
  }

  private static Lockfile readLock(Path lockPath) {
    try {
      return Lockfile.parse(
          Files.readString(lockPath, java.nio.charset.StandardCharsets.UTF_8), lockPath.toString());
    } catch (java.io.IOException e) {
      throw GpuxException.invalidInput(
          "cannot read " + lockPath + ": " + e.getMessage(), "check its permissions");
    }
  }

  /** Writes next to the target, then renames: a reader never sees half a lockfile. */
  static void writeAtomically(Path file, String text) {
    try {
      Path dir = file.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, ".gpux-", ".tmp");
      try {
        Files.writeString(tmp, text, java.nio.charset.StandardCharsets.UTF_8);
        Files.move(
            tmp,
            file,
            java.nio.file.StandardCopyOption.REPLACE_EXISTING,
            java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (java.io.IOException e) {
      throw GpuxException.invalidInput(
          "cannot write " + file + ": " + e.getMessage(), "check that the folder is writable");
    }
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
      throw notInStore(
          ref, reference, "gpux pull " + reference + " first: there is nothing to follow");
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
