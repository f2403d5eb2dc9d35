package io.gpux.registry;

import java.util.List;

/**
 * What to pull.
 *
 * @param include glob patterns of files to fetch in addition to what the registry picks (or, when
 *     {@code only} is set, instead of it)
 * @param exclude glob patterns of files never to fetch
 * @param variant a model variant where a registry has several (Hugging Face: {@code quantized},
 *     {@code fp16}, ... picks {@code onnx/model_<variant>.onnx})
 * @param force fetch again even when the version is already in the store
 */
public record PullOptions(
    List<String> include, List<String> exclude, String variant, boolean force) {

  public PullOptions {
    include = List.copyOf(include);
    exclude = List.copyOf(exclude);
  }

  public static PullOptions defaults() {
    return new PullOptions(List.of(), List.of(), null, false);
  }

  public PullOptions withForce(boolean f) {
    return new PullOptions(include, exclude, variant, f);
  }
}
