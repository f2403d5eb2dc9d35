package io.gpux.runtime;

/**
 * How to open a session. Immutable; start from {@link #defaults()} and use the {@code with}
 * methods.
 *
 * @param provider the provider to try first, or null for the platform's priority order
 * @param fallback whether to fall back when {@code provider} cannot be used (else it is an error)
 * @param intraOpThreads threads inside one operator; 0 lets ONNX Runtime decide
 * @param interOpThreads threads across operators; 0 lets ONNX Runtime decide
 * @param gpuMemoryBytes the GPU arena limit (runtime.gpu.memory); 0 for no limit
 */
public record RuntimeOptions(
    ExecutionProvider provider,
    boolean fallback,
    int intraOpThreads,
    int interOpThreads,
    boolean profiling,
    long gpuMemoryBytes,
    int deviceId) {

  public static RuntimeOptions defaults() {
    return new RuntimeOptions(null, true, 0, 0, false, 0, 0);
  }

  public RuntimeOptions withProvider(ExecutionProvider p) {
    return new RuntimeOptions(
        p, fallback, intraOpThreads, interOpThreads, profiling, gpuMemoryBytes, deviceId);
  }

  public RuntimeOptions withFallback(boolean f) {
    return new RuntimeOptions(
        provider, f, intraOpThreads, interOpThreads, profiling, gpuMemoryBytes, deviceId);
  }

  public RuntimeOptions withThreads(int intra, int inter) {
    return new RuntimeOptions(
        provider, fallback, intra, inter, profiling, gpuMemoryBytes, deviceId);
  }

  public RuntimeOptions withProfiling(boolean on) {
    return new RuntimeOptions(
        provider, fallback, intraOpThreads, interOpThreads, on, gpuMemoryBytes, deviceId);
  }

  public RuntimeOptions withGpuMemoryBytes(long bytes) {
    return new RuntimeOptions(
        provider, fallback, intraOpThreads, interOpThreads, profiling, bytes, deviceId);
  }
}
