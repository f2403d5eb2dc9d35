package io.gpux;

import io.gpux.build.BuildReport;
import io.gpux.build.ProjectBuilder;
import io.gpux.config.GpuxSettings;
import io.gpux.inference.InferenceModel;
import io.gpux.inspect.ModelDescription;
import io.gpux.onnx.OnnxModelInfo;
import io.gpux.onnx.OnnxModelReader;
import io.gpux.project.Project;
import io.gpux.project.ProjectConfig;
import io.gpux.project.ProjectLocator;
import io.gpux.pull.ModelPuller;
import io.gpux.pull.PullResult;
import io.gpux.ref.ModelRef;
import io.gpux.registry.Credentials;
import io.gpux.registry.PullOptions;
import io.gpux.registry.Registries;
import io.gpux.registry.RegistryContext;
import io.gpux.runtime.ExecutionProvider;
import io.gpux.runtime.ModelSession;
import io.gpux.runtime.ProviderStatus;
import io.gpux.runtime.RuntimeOptions;
import io.gpux.runtime.SessionFactory;
import io.gpux.store.ModelStore;
import io.gpux.store.VersionManifest;
import io.gpux.transfer.HttpTransport;
import io.gpux.transfer.TransferEngine;
import io.gpux.transfer.TransferListener;
import io.gpux.transfer.TransferOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The library's front door: everything the {@code gpux} command does, callable from Java.
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
  private final GpuxSettings settings;
  private volatile java.util.function.Consumer<String> warnings = w -> {};
  private final Map<SessionKey, InferenceModel> loaded = new ConcurrentHashMap<>();
  private volatile SessionFactory sessions;
  private volatile ModelStore store;
  private volatile java.util.concurrent.CompletableFuture<ModelStore> storeOpening;
  private volatile Registries registries;
  private final Object storeLock = new Object();
  private final Object registriesLock = new Object();

  private final Path workingDirectory;

  private Gpux(Path workingDirectory, GpuxSettings settings) {
    this.workingDirectory = workingDirectory;
    this.locator = new ProjectLocator(workingDirectory);
    this.settings = settings;
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
    return settings;
  }

  /**
   * Where warnings go that are not errors (the library prints nothing itself); the CLI prints them
   * to standard error. Returns this.
   */
  public Gpux onWarning(java.util.function.Consumer<String> sink) {
    this.warnings = java.util.Objects.requireNonNull(sink);
    return this;
  }

  /** The local model store under GPUX_HOME, opened on first use. */
  public ModelStore store() {
    synchronized (storeLock) {
      if (store == null) {
        ModelStore opened =
            ModelStore.open(settings.home(), settings.clock(), settings.forceToDisk());
        int damaged = opened.damagedAfterRestart().size();
        if (damaged > 0) {
          warnings.accept(
              damaged
                  + " file(s) in the store were damaged by a crash before the disk had them, and"
                  + " were removed; `gpux verify` lists the models they belong to, and `gpux"
                  + " pull` fetches them again");
        }
        store = opened;
      }
      return store;
    }
  }

  /** The installed registry plug-ins. */
  public Registries registries() {
    synchronized (registriesLock) {
      return registriesLocked();
    }
  }

  private Registries registriesLocked() {
    if (registries == null) {
      Credentials credentials =
          new Credentials(settings.env(), settings.home().resolve("credentials.json"));
      // The waits between retries should be settings.sleeper()'s; HttpTransport.create gives
      // Sleeper.REAL until the transfer layer takes one with its standard client.
      registries =
          new Registries(
              new RegistryContext(
                  HttpTransport.create(
                      settings.offline(),
                      io.gpux.transfer.TlsTrust.context(Registries.tlsRules(settings.env()))),
                  credentials,
                  settings.env()));
    }
    return registries;
  }

  /** Parses a model reference with the installed registries' prefixes. */
  public ModelRef reference(String text) {
    return registries().parser().parse(text);
  }

  /** {@code gpux pull}: fetches a model version into the store (a no-op when it is there). */
  public PullResult pull(String reference, PullOptions options, TransferListener listener) {
    ModelRef ref = reference(reference);
    if (settings.offline()) {
      VersionManifest stored = findStored(ref);
      if (stored != null) {
        return new PullResult(stored, true, 0, stored.files().size(), 0, 0);
      }
    }
    // The store opens (SQLite, migrations: ~0.14 s) while the registry resolves the reference.
    java.util.concurrent.CompletableFuture<ModelStore> opening =
        io.gpux.registry.Async.start(this::store);
    // close() waits for it: a pull that fails fast must not leave it writing under GPUX_HOME.
    storeOpening = opening;
    TransferEngine transfer =
        new TransferEngine(
            registries().context().http(),
            TransferOptions.defaults()
                .withForceToDisk(ModelStore.forcesToDisk(settings.forceToDisk())));
    return new ModelPuller(
            registries(), () -> io.gpux.registry.Async.join(opening), transfer, settings.clock())
        .pull(ref, options, listener);
  }

  /**
   * {@code gpux push}: uploads a model folder, a project (its folder), or a model in the store as a
   * new version of {@code target} in a registry that supports it.
   */
  public io.gpux.registry.PushResult push(String source, String target, String alias) {
    ModelRef ref = reference(target);
    if (ref.registry() == null) {
      throw GpuxException.invalidInput(
          "push needs a registry in the target '" + target + "'", "e.g. mlflow:" + target);
    }
    Path dir = workingDirectory.resolve(source);
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
      dir = store().materialize(stored);
    }
    return registries().get(ref.registry()).push(new io.gpux.registry.PushRequest(ref, dir, alias));
  }

  /** The stored version a reference names, or null: an exact version, a tag, or the newest. */
  public VersionManifest findStored(ModelRef ref) {
    if (!Files.isDirectory(settings.home())) {
      return null;
    }
    String qualifier = ref.qualifier() == null ? "latest" : ref.qualifier();
    if (ref.registry() != null) {
      return store().resolve(ref.registry(), ref.name(), qualifier).orElse(null);
    }
    VersionManifest found = null;
    for (VersionManifest m : store().list()) {
      if (m.name().equals(ref.name())) {
        VersionManifest candidate = store().resolve(m.registry(), m.name(), qualifier).orElse(null);
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
    try {
      return new Located(locator.locate(reference), null);
    } catch (GpuxException notLocal) {
      if (notLocal.category() != ErrorCategory.NOT_FOUND) {
        throw notLocal;
      }
      ModelRef ref;
      try {
        ref = reference(reference);
      } catch (GpuxException notARef) {
        throw notLocal;
      }
      VersionManifest stored = findStored(ref);
      if (stored == null) {
        if (ref.registry() == null && !reference.contains("/")) {
          throw notLocal;
        }
        String full = (ref.registry() == null ? Registries.DEFAULT + ":" : "") + ref;
        throw GpuxException.notFound(
            full + " is not in the store (" + settings.home() + ")",
            settings.offline()
                ? "GPUX_OFFLINE=1 is set: unset it and run `gpux pull " + full + "`"
                : "run `gpux pull " + full + "` first");
      }
      return new Located(ProjectLocator.fromDirectory(store().materialize(stored)), stored);
    }
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

  /** Frees a model {@link #load} gave: its session closes and a later load opens a new one. */
  public void unload(InferenceModel model) {
    loaded.values().removeIf(m -> m == model);
    model.close();
  }

  public BuildReport build(String reference, RuntimeOptions options) {
    return ProjectBuilder.build(load(reference, options), version());
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
        located.stored());
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
    java.util.concurrent.CompletableFuture<ModelStore> opening = storeOpening;
    if (opening != null) {
      opening.exceptionally(e -> null).join();
    }
    loaded.values().forEach(InferenceModel::close);
    loaded.clear();
    Registries r = registries;
    if (r != null) {
      r.context().http().close();
    }
    ModelStore s = store;
    if (s != null) {
      s.close();
    }
  }

  private record SessionKey(Path configFile, Path modelFile, RuntimeOptions options) {}
}
