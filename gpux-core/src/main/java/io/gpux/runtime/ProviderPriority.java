package io.gpux.runtime;

import static io.gpux.runtime.ExecutionProvider.COREML;
import static io.gpux.runtime.ExecutionProvider.CPU;
import static io.gpux.runtime.ExecutionProvider.CUDA;
import static io.gpux.runtime.ExecutionProvider.DIRECTML;
import static io.gpux.runtime.ExecutionProvider.OPENVINO;
import static io.gpux.runtime.ExecutionProvider.ROCM;
import static io.gpux.runtime.ExecutionProvider.TENSORRT;

import java.util.List;
import java.util.Locale;

/**
 * The order in which providers are tried, per platform, as the Python GPUX orders them: on Apple
 * silicon CoreML then CPU; on Windows DirectML before OpenVINO and ROCm; elsewhere the NVIDIA
 * stack, then AMD, then the rest.
 */
public final class ProviderPriority {
  private ProviderPriority() {}

  public static List<ExecutionProvider> forPlatform(String osName, String osArch) {
    String os = osName.toLowerCase(Locale.ROOT);
    String arch = osArch.toLowerCase(Locale.ROOT);
    if (os.contains("mac") && (arch.equals("aarch64") || arch.equals("arm64"))) {
      return List.of(COREML, CPU);
    }
    if (os.contains("windows")) {
      return List.of(TENSORRT, CUDA, DIRECTML, OPENVINO, ROCM, COREML, CPU);
    }
    return List.of(TENSORRT, CUDA, ROCM, COREML, DIRECTML, OPENVINO, CPU);
  }

  public static List<ExecutionProvider> forThisMachine() {
    return forPlatform(System.getProperty("os.name", ""), System.getProperty("os.arch", ""));
  }
}
