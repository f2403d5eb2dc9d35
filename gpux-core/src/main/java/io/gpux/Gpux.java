package io.gpux;

import io.gpux.build.BuildReport;
import io.gpux.build.ProjectBuilder;
import io.gpux.inference.InferenceModel;
import io.gpux.inspect.ModelDescription;
import io.gpux.onnx.OnnxModelInfo;
import io.gpux.onnx.OnnxModelReader;
import io.gpux.project.Project;
import io.gpux.project.ProjectConfig;
import io.gpux.project.ProjectLocator;
import io.gpux.runtime.ExecutionProvider;
import io.gpux.runtime.ModelSession;
import io.gpux.runtime.ProviderStatus;
import io.gpux.runtime.RuntimeOptions;
import io.gpux.runtime.SessionFactory;
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
  private final Map<SessionKey, InferenceModel> loaded = new ConcurrentHashMap<>();
  private volatile SessionFactory sessions;

  private Gpux(Path workingDirectory) {
    this.locator = new ProjectLocator(workingDirectory);
  }

  public static Gpux open() {
    return open(Path.of(""));
  }

  /** A Gpux that resolves relative references against {@code workingDirectory}. */
  public static Gpux open(Path workingDirectory) {
    return new Gpux(workingDirectory);
  }

  public static String version() {
    return GpuxVersion.VALUE;
  }

  /** Finds a project: a folder, a gpux.yml, an .onnx file, or a project name. */
  public Project project(String reference) {
    return locator.locate(reference);
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

  public BuildReport build(String reference, RuntimeOptions options) {
    return ProjectBuilder.build(load(reference, options), version());
  }

  public ModelDescription inspect(String reference, RuntimeOptions options) {
    Project project = project(reference);
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
        ProjectBuilder.readRecord(project));
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
  }

  private record SessionKey(Path configFile, Path modelFile, RuntimeOptions options) {}
}
