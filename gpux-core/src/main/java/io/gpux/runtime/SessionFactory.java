package io.gpux.runtime;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import ai.onnxruntime.providers.OrtCUDAProviderOptions;
import io.gpux.error.ErrorCategory;
import io.gpux.error.GpuxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Opens {@link ModelSession}s on the best provider that works.
 *
 * <p>Candidates are the requested provider (if any), then the platform's priority order. A provider
 * not compiled into the loaded ONNX Runtime is skipped quietly in automatic mode (it is expected on
 * a CPU build) but reported when it was asked for; a provider that is compiled in but fails to
 * initialise (no driver, no device) is reported, and the next one is tried. CPU always works.
 */
public final class SessionFactory {
  private final List<ExecutionProvider> priority;

  public SessionFactory() {
    this(ProviderPriority.forThisMachine());
  }

  SessionFactory(List<ExecutionProvider> priority) {
    this.priority = List.copyOf(priority);
  }

  /**
   * On Linux every accelerator provider ships as a shared library beside ONNX Runtime's own, and
   * all of them need {@code libonnxruntime_providers_shared.so}; the CPU artifact has none.
   */
  static boolean cpuOnlyBuild() {
    String os = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT);
    if (!os.contains("linux")) {
      return false;
    }
    String arch = System.getProperty("os.arch", "");
    String dir = arch.equals("amd64") || arch.equals("x86_64") ? "linux-x64" : "linux-aarch64";
    return OrtEnvironment.class.getResource("/ai/onnxruntime/native/" + dir + "/libonnxruntime.so")
            != null
        && OrtEnvironment.class.getResource(
                "/ai/onnxruntime/native/" + dir + "/libonnxruntime_providers_shared.so")
            == null;
  }

  /** The process-wide ONNX Runtime environment, made once by {@link #environment()}. */
  private static volatile OrtEnvironment environment;

  /**
   * The process-wide ONNX Runtime environment. Its log level is FATAL: every failure ONNX Runtime
   * logs at ERROR also comes back as an {@link OrtException}, which GPUX reports as one line (with
   * ONNX Runtime's full text under --debug); its own log lines, with raw colour codes, would print
   * the same failure twice.
   *
   * <p>Creating the environment runs ONNX Runtime's start-up on the calling thread, and that
   * start-up (on Linux) reads {@code /proc/self/cmdline} and matches it with a recursive regex
   * engine: its stack depth grows with the length of the command line, and a few KB of JSON given
   * with {@code gpux run -i} overflowed a default 1 MB thread stack in native code (SIGSEGV, no
   * Java error). So the environment is created on a thread whose stack is sized from the command
   * line's length.
   */
  static OrtEnvironment environment() {
    OrtEnvironment e = environment;
    if (e != null) {
      return e;
    }
    synchronized (SessionFactory.class) {
      if (environment == null) {
        environment = createEnvironment();
      }
      return environment;
    }
  }

  /** The version of the loaded ONNX Runtime, e.g. {@code 1.29.0}. */
  public static String onnxRuntimeVersion() {
    return environment().getVersion();
  }

  private static OrtEnvironment createEnvironment() {
    long commandLine = commandLineBytes();
    long stack = stackFor(commandLine);
    OrtEnvironment[] made = new OrtEnvironment[1];
    Throwable[] failed = new Throwable[1];
    Thread t =
        new Thread(
            null,
            () -> {
              try {
                made[0] =
                    OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL, "gpux");
              } catch (Throwable x) {
                failed[0] = x;
              }
            },
            "gpux-onnxruntime-start",
            stack);
    try {
      t.start();
      t.join();
    } catch (OutOfMemoryError tooBig) {
      throw GpuxException.invalidInput(
          "the command line is too long for ONNX Runtime's start-up ("
              + commandLine
              + " bytes; it needs a thread stack of about "
              + (stack >> 20)
              + " MB, which this machine refused)",
          "pass large inputs in a file: --file FILE, or --file - to read standard input");
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new GpuxException(
          ErrorCategory.UNAVAILABLE, "interrupted while starting ONNX Runtime", null, interrupted);
    }
    if (failed[0] instanceof RuntimeException || failed[0] instanceof UnsatisfiedLinkError) {
      throw new GpuxException(
          ErrorCategory.UNAVAILABLE,
          "ONNX Runtime's native library could not be loaded: " + failed[0].getMessage(),
          "GPUX's default build supports Linux x64/arm64, macOS arm64 and Windows x64",
          failed[0]);
    }
    if (failed[0] instanceof Error error) {
      throw error;
    }
    return made[0];
  }

  /** The length of this process's command line, where the OS tells it (Linux); else 0. */
  private static long commandLineBytes() {
    try {
      // procfs reports a size of 0; only reading tells the length.
      return java.nio.file.Files.readAllBytes(Path.of("/proc/self/cmdline")).length;
    } catch (java.io.IOException | RuntimeException e) {
      return 0;
    }
  }

  /**
   * 16 MB plus 1 KB per byte of command line. Measured: a 120 KB argument needs between 24 and 32
   * MB (about 230 bytes a character), so this leaves a margin of four. The stack is only reserved
   * address space: pages the start-up does not touch cost no memory.
   */
  static long stackFor(long commandLineBytes) {
    return (16L << 20) + 1024 * commandLineBytes;
  }

  /** The providers compiled into the loaded ONNX Runtime. */
  public static Set<ExecutionProvider> compiledIn() {
    if (cpuOnlyBuild()) {
      // Answering without loading ~30 MB of native code keeps `gpux inspect` fast.
      return EnumSet.of(ExecutionProvider.CPU);
    }
    environment();
    EnumSet<OrtProvider> available = OrtEnvironment.getAvailableProviders();
    Set<ExecutionProvider> out = EnumSet.noneOf(ExecutionProvider.class);
    for (ExecutionProvider p : ExecutionProvider.values()) {
      if (available.contains(p.ortProvider())) {
        out.add(p);
      }
    }
    return out;
  }

  public List<ProviderStatus> providers() {
    Set<ExecutionProvider> available = compiledIn();
    List<ProviderStatus> out = new ArrayList<>();
    for (ExecutionProvider p : ExecutionProvider.values()) {
      int rank = priority.indexOf(p) + 1;
      out.add(new ProviderStatus(p, available.contains(p), rank, p.description()));
    }
    out.sort(
        (a, b) ->
            Integer.compare(
                a.priority() == 0 ? Integer.MAX_VALUE : a.priority(),
                b.priority() == 0 ? Integer.MAX_VALUE : b.priority()));
    return out;
  }

  /** The provider a session would get, without loading a model (for inspect and build). */
  public ProviderChoice predict(RuntimeOptions options) {
    Set<ExecutionProvider> available = compiledIn();
    List<ProviderChoice.Attempt> failed = new ArrayList<>();
    for (ExecutionProvider p : candidates(options)) {
      if (available.contains(p)) {
        return new ProviderChoice(p, failed);
      }
      if (p == options.provider()) {
        failed.add(new ProviderChoice.Attempt(p, notCompiledIn(available)));
      }
    }
    return new ProviderChoice(ExecutionProvider.CPU, failed);
  }

  public ModelSession open(Path modelFile, RuntimeOptions options) {
    Set<ExecutionProvider> available = compiledIn();
    List<ProviderChoice.Attempt> failed = new ArrayList<>();
    for (ExecutionProvider p : candidates(options)) {
      boolean requested = p == options.provider();
      if (!available.contains(p)) {
        if (requested) {
          failed.add(new ProviderChoice.Attempt(p, notCompiledIn(available)));
          requireFallback(options, failed);
        }
        continue;
      }
      try {
        OrtSession session = create(modelFile, p, options);
        return new ModelSession(modelFile, environment(), session, new ProviderChoice(p, failed));
      } catch (OrtException e) {
        if (p == ExecutionProvider.CPU || isModelProblem(e)) {
          throw cannotLoad(modelFile, e);
        }
        failed.add(new ProviderChoice.Attempt(p, ModelSession.firstLine(e.getMessage())));
        if (requested) {
          requireFallback(options, failed);
        }
      }
    }
    throw new GpuxException(
        ErrorCategory.INTERNAL, "no execution provider could load " + modelFile, null);
  }

  private List<ExecutionProvider> candidates(RuntimeOptions options) {
    Set<ExecutionProvider> ordered = new LinkedHashSet<>();
    if (options.provider() != null) {
      ordered.add(options.provider());
    }
    if (options.provider() == null || options.fallback()) {
      ordered.addAll(priority);
      ordered.add(ExecutionProvider.CPU);
    }
    return List.copyOf(ordered);
  }

  private static void requireFallback(RuntimeOptions options, List<ProviderChoice.Attempt> failed) {
    if (!options.fallback()) {
      ProviderChoice.Attempt a = failed.get(failed.size() - 1);
      throw GpuxException.unavailable(
          "provider " + a.provider().shortName() + " cannot be used: " + a.reason(),
          "drop --no-fallback to run on the next best provider, or see `gpux providers`");
    }
  }

  private static String notCompiledIn(Set<ExecutionProvider> available) {
    return "not in this ONNX Runtime build (it has "
        + String.join(", ", available.stream().map(ExecutionProvider::shortName).toList())
        + "; GPU builds: mvn -Pgpu package)";
  }

  private OrtSession create(Path modelFile, ExecutionProvider p, RuntimeOptions options)
      throws OrtException {
    OrtEnvironment env =
        environment(); // before any other ONNX Runtime object: it sets the log level
    try (SessionOptions so = new SessionOptions()) {
      so.setOptimizationLevel(SessionOptions.OptLevel.ALL_OPT);
      if (options.intraOpThreads() > 0) {
        so.setIntraOpNumThreads(options.intraOpThreads());
      }
      if (options.interOpThreads() > 0) {
        so.setInterOpNumThreads(options.interOpThreads());
      }
      if (options.profiling()) {
        so.enableProfiling(modelFile.resolveSibling(".gpux-profile").toString());
      }
      addProvider(so, p, options);
      return env.createSession(modelFile.toString(), so);
    }
  }

  private static void addProvider(SessionOptions so, ExecutionProvider p, RuntimeOptions options)
      throws OrtException {
    switch (p) {
      case TENSORRT -> so.addTensorrt(options.deviceId());
      case CUDA -> {
        try (OrtCUDAProviderOptions cuda = new OrtCUDAProviderOptions(options.deviceId())) {
          if (options.gpuMemoryBytes() > 0) {
            cuda.add("gpu_mem_limit", Long.toString(options.gpuMemoryBytes()));
          }
          so.addCUDA(cuda);
        }
      }
      case ROCM -> so.addROCM(options.deviceId());
      case OPENVINO -> so.addOpenVINO("");
      case DIRECTML -> so.addDirectML(options.deviceId());
      case COREML -> so.addCoreML();
      case CPU -> {
        // The CPU provider is always registered.
      }
    }
  }

  private static boolean isModelProblem(OrtException e) {
    return switch (e.getCode()) {
      case ORT_INVALID_PROTOBUF, ORT_INVALID_GRAPH, ORT_NO_MODEL, ORT_NO_SUCHFILE -> true;
      default -> false;
    };
  }

  private static GpuxException cannotLoad(Path modelFile, OrtException e) {
    return new GpuxException(
        ErrorCategory.INVALID_INPUT,
        "ONNX Runtime cannot load " + modelFile + ": " + ModelSession.firstLine(e.getMessage()),
        "check that the model's opset is supported by ONNX Runtime "
            + environment().getVersion()
            + " and that its external data files sit beside it",
        e);
  }
}
