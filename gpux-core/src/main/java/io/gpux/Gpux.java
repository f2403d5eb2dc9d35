package io.gpux;

import io.gpux.build.BuildReport;
import io.gpux.build.ProjectBuilder;
import io.gpux.config.GpuxSettings;
import io.gpux.convert.ModelConverter;
import io.gpux.error.ErrorCategory;
import io.gpux.error.GpuxException;
import io.gpux.inference.InferenceModel;
import io.gpux.inspect.ModelDescription;
import io.gpux.onnx.OnnxModelInfo;
import io.gpux.onnx.OnnxModelReader;
import io.gpux.project.Project;
import io.gpux.project.ProjectConfig;
import io.gpux.project.ProjectLocator;
import io.gpux.ref.ModelRef;
import io.gpux.registry.Registries;
import io.gpux.runtime.ExecutionProvider;
import io.gpux.runtime.ModelSession;
import io.gpux.runtime.ProviderStatus;
import io.gpux.runtime.RuntimeOptions;
import io.gpux.runtime.SessionFactory;
import io.gpux.store.ModelStore;
import io.gpux.store.VersionManifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The library's front door: everything the {@code gpux} command does, callable from Java. Running
 * models (load, build, inspect, providers) is here; the rest is in small services: {@link
 * #models()} (references, pull, remove, push, versions, search), {@link #versions()} (outdated,
 * update, pin, rollback, history), {@link #storage()} (the store's administration) and {@link
 * #accounts()} (registry credentials). The CLI and the server call only these.
 *
 * <pre>{@code
 * try (Gpux gpux = Gpux.open()) {
 *   InferenceModel model = gpux.load("examples/digits", RuntimeOptions.defaults());
 *   Prediction p = model.predict(json);
 * }
 * }</pre>
 *
 * Loaded models are cached: loading the same model with the same options again returns the same
 * session. Nothing here prints; results are values and failures are {@link GpuxException}s.
 */
public final class Gpux implements AutoCloseable {
  private final ProjectLocator locator;
  private final Resources resources;
  private final Map<SessionKey, InferenceModel> loaded = new ConcurrentHashMap<>();
  private volatile SessionFactory sessions;
  private final Models models;
  private final Storage storage;
  private final Accounts accounts;
  private final Versions versions;
  private final Batch batch;
  private final Conformance conformance;
  private final ModelConverter converter;
  private final Discovery discovery;
  private final Monitor monitor;
  private final ModelCollections collections;
  private final Workspaces workspaces;

  private Gpux(Path workingDirectory, GpuxSettings settings) {
    this.locator = new ProjectLocator(workingDirectory);
    this.resources = new Resources(settings, workingDirectory);
    this.models = new Models(resources);
    this.storage = new Storage(resources, models);
    this.accounts = new Accounts(resources);
    this.versions = new Versions(resources, models);
    this.batch = new Batch(resources, models, this::project, this::openUnshared);
    this.conformance = new Conformance(resources, models, this::sessions);
    this.converter = new ModelConverter(settings, workingDirectory, GpuxVersion.VALUE);
    this.discovery = new Discovery(resources, models, this::project, this::openUnshared);
    this.monitor = new Monitor(resources, storage, versions);
    this.collections = new ModelCollections(resources, models, batch);
    this.workspaces = new Workspaces(resources);
  }

  public static Gpux open() {
    return open(Path.of(""));
  }

  /** A Gpux that resolves relative references against {@code workingDirectory}. */
  public static Gpux open(Path workingDirectory) {
    return open(workingDirectory, GpuxSettings.fromEnvironment());
  }

  /** A Gpux with explicit settings (tests use their own GPUX_HOME and registry endpoints). */
  public static Gpux open(Path workingDirectory, GpuxSettings settings) {
    return new Gpux(workingDirectory, settings);
  }

  public GpuxSettings settings() {
    return resources.settings;
  }

  /**
   * Where warnings go that are not errors (the library prints nothing itself); the CLI prints them
   * to standard error. Returns this.
   */
  public Gpux onWarning(java.util.function.Consumer<String> sink) {
    resources.onWarning(sink);
    return this;
  }

  /** The local model store under GPUX_HOME, opened on first use (the services' own). */
  ModelStore store() {
    return resources.store();
  }

  /** The installed registry plug-ins (the services' own). */
  Registries registries() {
    return resources.registries();
  }

  /** The process's transfer engine (the services' own). */
  io.gpux.transfer.TransferEngine transfer() {
    return resources.transfer();
  }

  /** Models by reference: pull, find in the store, remove, push, versions, search. */
  public Models models() {
    return models;
  }

  /**
   * Many models at once: lists of references, batch pull, run and benchmark (see {@link
   * io.gpux.batch}).
   */
  public Batch batch() {
    return batch;
  }

  /** The local store's administration: list, disk use, prune, verify. */
  public Storage storage() {
    return storage;
  }

  /**
   * Stored models' versions over time: outdated, update, pin, unpin, rollback, history (see {@link
   * io.gpux.versions}).
   */
  public Versions versions() {
    return versions;
  }

  /**
   * Models of other frameworks (TensorFlow, Keras, TFLite) converted to checked ONNX projects, in a
   * managed Python environment (see {@link io.gpux.convert}).
   */
  public ModelConverter convert() {
    return converter;
  }

  /**
   * Models across registries: {@code gpux search} over all of them at once, {@code gpux compare}
   * (see {@link io.gpux.discover}).
   */
  public Discovery discover() {
    return discovery;
  }

  /**
   * Monitoring: the stored history of served models, insights, the dashboard (see {@link
   * io.gpux.monitor}).
   */
  public Monitor monitor() {
    return monitor;
  }

  /**
   * Collections: named lists of models from any registry, per workspace (see {@link
   * io.gpux.collection}).
   */
  public ModelCollections collections() {
    return collections;
  }

  /**
   * Workspaces: separate local names, pins, history, collections and registry settings over one
   * store (see {@link io.gpux.workspace}).
   */
  public Workspaces workspaces() {
    return workspaces;
  }

  /** Registry credentials ({@code gpux login}). */
  public Accounts accounts() {
    return accounts;
  }

  /** Models against their expected outputs on this machine ({@code gpux test}). */
  public Conformance conformance() {
    return conformance;
  }

  public static String version() {
    return GpuxVersion.VALUE;
  }

  /**
   * Finds a project: a folder, a gpux.yml, an .onnx file or a project name here; else a model in
   * the store ({@code hf:org/name}, {@code org/name@rev}).
   */
  public Project project(String reference) {
    return locate(reference).project();
  }

  /** A located project and, when it came from the store, the version manifest behind it. */
  private record Located(Project project, VersionManifest stored) {}

  private Located locate(String reference) {
    return locate(reference, false);
  }

  /** With {@code writeLock}, a registry {@code model.source} is locked beside gpux.yml. */
  private Located locate(String reference, boolean writeLock) {
    try {
      return new Located(models.withSource(locator.locate(reference), writeLock), null);
    } catch (GpuxException notLocal) {
      if (notLocal.category() != ErrorCategory.NOT_FOUND) {
        throw notLocal;
      }
      ModelRef ref;
      try {
        ref = models.reference(reference);
      } catch (GpuxException notARef) {
        throw notLocal;
      }
      VersionManifest stored = models.findStored(ref);
      if (stored == null) {
        if (ref.registry() == null && !reference.contains("/")) {
          throw notLocal;
        }
        String full = (ref.registry() == null ? Registries.DEFAULT + ":" : "") + ref;
        String variants = variantsStored(ref);
        GpuxException missing =
            models.notInStore(
                ref,
                full,
                resources.settings.offline()
                    ? "GPUX_OFFLINE=1 is set: unset it and run `gpux pull " + full + "`"
                    : "run `gpux pull " + full + "` first");
        throw GpuxException.notFound(missing.getMessage() + variants, missing.hint());
      }
      return new Located(
          ProjectLocator.fromDirectory(resources.store().materialize(stored)), stored);
    }
  }

  /** ", only as ...": the copies of the model with other file selections, to name exactly. */
  private String variantsStored(ModelRef ref) {
    List<String> other = new java.util.ArrayList<>();
    for (VersionManifest m : store().list()) {
      if (m.name().equals(ref.name())
          && (ref.registry() == null || m.registry().equals(ref.registry()))
          && m.selection() != null) {
        other.add(m.reference());
      }
    }
    return other.isEmpty()
        ? ""
        : "; it has only copies with other files: " + String.join(", ", other);
  }

  public InferenceModel load(String reference, RuntimeOptions options) {
    return load(project(reference), options);
  }

  public InferenceModel load(Project project, RuntimeOptions options) {
    RuntimeOptions effective = effectiveOptions(project, options);
    SessionKey key = new SessionKey(project.configFile(), project.modelFile(), effective);
    return loaded.computeIfAbsent(key, k -> open(project, effective));
  }

  private InferenceModel open(Project project, RuntimeOptions options) {
    Path modelFile = project.modelFile();
    OnnxModelReader.read(modelFile); // a clear error for a missing, LFS-pointer or non-ONNX file
    ModelSession session = sessions().open(modelFile, options);
    return new InferenceModel(project, session);
  }

  /**
   * A session of the caller's own, outside the cache: a batch opens one per model and closes it
   * when the model's work is done, while another job may hold a session on the same model.
   */
  InferenceModel openUnshared(Project project, RuntimeOptions options) {
    return open(project, effectiveOptions(project, options));
  }

  /** Frees a model {@link #load} gave: its session closes and a later load opens a new one. */
  public void unload(InferenceModel model) {
    loaded.values().removeIf(m -> m == model);
    model.close();
  }

  /**
   * {@code gpux build}: checks a project against its model and records how it will run. A registry
   * reference as {@code model.source} is pulled (or restored from the project's gpux.lock) and
   * locked in gpux.lock beside gpux.yml.
   */
  public BuildReport build(String reference, RuntimeOptions options) {
    return ProjectBuilder.build(load(locate(reference, true).project(), options), version());
  }

  /**
   * The lock entry of a project's registry {@code model.source} in its gpux.lock, or null when the
   * source is a file or nothing is locked yet.
   */
  public io.gpux.lock.LockedModel lockedSource(String reference) {
    return models.lockedSource(locator.locate(reference));
  }

  public ModelDescription inspect(String reference, RuntimeOptions options) {
    Located located = locate(reference);
    Project project = located.project();
    Path modelFile = project.modelFile();
    OnnxModelInfo info = OnnxModelReader.read(modelFile);
    return new ModelDescription(
        project,
        modelFile,
        size(modelFile),
        info,
        ModelDescription.signatures(info.inputs()),
        ModelDescription.signatures(info.outputs()),
        sessions().predict(effectiveOptions(project, options)),
        ProjectBuilder.readRecord(project),
        located.stored(),
        io.gpux.convert.ConversionRecord.read(project.directory()));
  }

  public List<ProviderStatus> providers() {
    return sessions().providers();
  }

  /**
   * Options from the command line win; gpux.yml fills in the rest: {@code runtime.gpu.backend}
   * picks the preferred provider, {@code runtime.gpu.memory} caps the GPU arena, {@code
   * runtime.enable_profiling} turns on ONNX Runtime's profiler.
   */
  public static RuntimeOptions effectiveOptions(Project project, RuntimeOptions options) {
    ProjectConfig.RuntimeSection runtime = project.config().runtime();
    RuntimeOptions o = options;
    if (o.provider() == null && !"auto".equals(runtime.gpu().backend())) {
      ExecutionProvider p = ExecutionProvider.parse(runtime.gpu().backend());
      if (p != null) {
        o = o.withProvider(p).withFallback(true);
      }
    }
    if (o.gpuMemoryBytes() == 0) {
      o = o.withGpuMemoryBytes(runtime.gpu().memoryBytes());
    }
    if (runtime.enableProfiling()) {
      o = o.withProfiling(true);
    }
    return o;
  }

  private SessionFactory sessions() {
    SessionFactory s = sessions;
    if (s == null) {
      synchronized (this) {
        if (sessions == null) {
          sessions = new SessionFactory();
        }
        s = sessions;
      }
    }
    return s;
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (java.io.IOException e) {
      return -1;
    }
  }

  @Override
  public void close() {
    loaded.values().forEach(InferenceModel::close);
    loaded.clear();
    resources.close();
  }

  private record SessionKey(Path configFile, Path modelFile, RuntimeOptions options) {}
}
