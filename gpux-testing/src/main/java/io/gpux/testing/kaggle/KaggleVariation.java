package io.gpux.testing.kaggle;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** One variation (a "model instance") of a model on the test server, and its versions' files. */
final class KaggleVariation {
  final long id;
  final String owner;
  final String model;

  /** The framework's enum name without its prefix: {@code ONNX}, {@code TENSOR_FLOW_2}. */
  final String framework;

  final String slug;
  volatile String license = "Apache 2.0";

  /** Version N is at index N-1: each maps a file's path to its bytes, in listing order. */
  final List<Map<String, byte[]>> versions = new CopyOnWriteArrayList<>();

  KaggleVariation(long id, String owner, String model, String framework, String slug) {
    this.id = id;
    this.owner = owner;
    this.model = model;
    this.framework = framework;
    this.slug = slug;
  }

  String wireFramework() {
    return "MODEL_FRAMEWORK_" + framework;
  }

  /** The handle form of the framework, as Kaggle's URLs write it: {@code tensorFlow2}. */
  String handleFramework() {
    StringBuilder sb = new StringBuilder();
    for (String w : framework.toLowerCase(java.util.Locale.ROOT).split("_")) {
      sb.append(Character.toUpperCase(w.charAt(0))).append(w.substring(1));
    }
    return Character.toLowerCase(sb.charAt(0)) + sb.substring(1);
  }

  int latest() {
    return versions.size();
  }

  long totalBytes(int version) {
    return versions.get(version - 1).values().stream().mapToLong(b -> b.length).sum();
  }
}
