package io.gpux.runtime;

import ai.onnxruntime.OrtProvider;
import java.util.List;
import java.util.Locale;

/**
 * The execution providers GPUX knows how to configure, with ONNX Runtime's names for them and the
 * short names users type ({@code --provider cuda}, {@code runtime.gpu.backend: tensorrt}).
 */
public enum ExecutionProvider {
  TENSORRT(
      OrtProvider.TENSOR_RT, "TensorrtExecutionProvider", "NVIDIA TensorRT", "tensorrt", "trt"),
  CUDA(OrtProvider.CUDA, "CUDAExecutionProvider", "NVIDIA CUDA", "cuda"),
  ROCM(OrtProvider.ROCM, "ROCMExecutionProvider", "AMD ROCm", "rocm"),
  OPENVINO(OrtProvider.OPEN_VINO, "OpenVINOExecutionProvider", "Intel OpenVINO", "openvino"),
  DIRECTML(
      OrtProvider.DIRECT_ML, "DmlExecutionProvider", "Windows DirectML", "directml", "dml", "dx12"),
  COREML(OrtProvider.CORE_ML, "CoreMLExecutionProvider", "Apple CoreML", "coreml", "metal"),
  CPU(OrtProvider.CPU, "CPUExecutionProvider", "CPU (always available)", "cpu");

  private final OrtProvider ortProvider;
  private final String ortName;
  private final String description;
  private final List<String> aliases;

  ExecutionProvider(
      OrtProvider ortProvider, String ortName, String description, String... aliases) {
    this.ortProvider = ortProvider;
    this.ortName = ortName;
    this.description = description;
    this.aliases = List.of(aliases);
  }

  public OrtProvider ortProvider() {
    return ortProvider;
  }

  /** The name ONNX Runtime uses, e.g. {@code CUDAExecutionProvider}. */
  public String ortName() {
    return ortName;
  }

  public String description() {
    return description;
  }

  /** The short name, e.g. {@code cuda}. */
  public String shortName() {
    return aliases.get(0);
  }

  /**
   * Parses what users type: a short name, an alias or ONNX Runtime's own name, any case. Returns
   * null when nothing matches; {@code auto} is not a provider and also returns null.
   */
  public static ExecutionProvider parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    for (ExecutionProvider p : values()) {
      if (p.aliases.contains(t) || p.ortName.toLowerCase(Locale.ROOT).equals(t)) {
        return p;
      }
    }
    return null;
  }

  public static String knownNames() {
    StringBuilder sb = new StringBuilder();
    for (ExecutionProvider p : values()) {
      sb.append(sb.length() == 0 ? "" : ", ").append(p.shortName());
    }
    return sb.toString();
  }
}
