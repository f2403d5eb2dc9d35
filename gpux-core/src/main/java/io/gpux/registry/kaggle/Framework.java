package io.gpux.registry.kaggle;

import java.util.Locale;

/**
 * Kaggle's model frameworks (kagglesdk's {@code ModelFramework}), named on the wire by their enum
 * names and in handles case-insensitively, as kagglehub reads them ({@code TensorFlow2}, {@code
 * tensorflow2}, {@code tensorFlow2} and {@code tensor_flow_2} are one framework).
 */
enum Framework {
  TENSOR_FLOW_1("TensorFlow 1", null),
  TENSOR_FLOW_2("TensorFlow 2", "tensorflow"),
  TF_LITE("TFLite", "tflite"),
  TF_JS("TF.js", null),
  PY_TORCH("PyTorch", null),
  JAX("JAX", null),
  FLAX("Flax", null),
  PAX("PAX", null),
  MAX_TEXT("MaxText", null),
  GEMMA_CPP("gemma.cpp", null),
  GGML("GGML", null),
  GGUF("GGUF", null),
  CORAL("Coral", null),
  SCIKIT_LEARN("scikit-learn", null),
  MXNET("MXNet", null),
  ONNX("ONNX", null),
  KERAS("Keras", "keras"),
  TRANSFORMERS("Transformers", null),
  API("API", null),
  OTHER("Other", null),
  TENSOR_RT_LLM("TensorRT-LLM", null),
  TRITON("Triton", null),
  VLLM("vLLM", null);

  private static final String PREFIX = "MODEL_FRAMEWORK_";

  /** As people call it, for messages. */
  final String title;

  /** The converter's name for it ({@code gpux convert --framework}), or null when none exists. */
  final String converter;

  Framework(String title, String converter) {
    this.title = title;
    this.converter = converter;
  }

  /** The enum name kagglesdk sends: {@code MODEL_FRAMEWORK_TENSOR_FLOW_2}. */
  String wire() {
    return PREFIX + name();
  }

  /**
   * The framework in a handle or on the wire, or null. kagglehub turns camel case into snake case,
   * upper-cases it, prefixes {@code MODEL_FRAMEWORK_} and compares without underscores, which comes
   * to comparing the upper-cased letters and digits.
   */
  static Framework parse(String text) {
    String key = squash(text);
    if (key.startsWith(squash(PREFIX))) {
      key = key.substring(squash(PREFIX).length());
    }
    for (Framework f : values()) {
      if (squash(f.name()).equals(key)) {
        return f;
      }
    }
    return null;
  }

  private static String squash(String s) {
    return s.replace("_", "").toUpperCase(Locale.ROOT);
  }

  /**
   * The handle form Kaggle's web URLs and kagglehub's {@code enum_to_str} use: {@code tensorFlow2},
   * {@code tfLite}, {@code onnx}.
   */
  String handle() {
    StringBuilder sb = new StringBuilder();
    for (String word : name().toLowerCase(Locale.ROOT).split("_")) {
      sb.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
    }
    return Character.toLowerCase(sb.charAt(0)) + sb.substring(1);
  }

  /** Every framework's handle form, for a message. */
  static String known() {
    StringBuilder sb = new StringBuilder();
    for (Framework f : values()) {
      sb.append(sb.length() == 0 ? "" : ", ").append(f.handle());
    }
    return sb.toString();
  }
}
