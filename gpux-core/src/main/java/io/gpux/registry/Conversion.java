package io.gpux.registry;

import java.util.Map;

/**
 * What a resolved model's files are when they are not ONNX, so that the pull can hand them to a
 * {@link ModelConverter} (a Kaggle variation of framework TensorFlow 2, say).
 *
 * @param framework the converter's name for the format: {@code tensorflow} (a SavedModel), {@code
 *     keras}, {@code tflite}, {@code pytorch} or {@code transformers}, as {@code gpux convert
 *     --framework} takes it
 * @param title the format as people call it, for messages: "TensorFlow 2"
 * @param reference the reference as the user wrote it, for messages
 * @param alternatives what to pull instead when nothing can convert it (a hint), or null
 * @param parameters what the converter needs beyond the files, by name (see the {@code PARAM_}
 *     constants): the source inside the files, a hub entrypoint and its arguments
 */
public record Conversion(
    String framework,
    String title,
    String reference,
    String alternatives,
    Map<String, String> parameters) {

  /** The model's file or folder among the pulled files (an archive is unpacked first). */
  public static final String PARAM_SOURCE = "source";

  /** A zip archive among the files whose single top-level folder is the source (a zipball). */
  public static final String PARAM_ZIP = "zip";

  /** The PyTorch Hub entrypoint that builds the model. */
  public static final String PARAM_ENTRYPOINT = "entrypoint";

  /** The entrypoint's keyword arguments, {@code NAME=VALUE} joined by newlines. */
  public static final String PARAM_ARGUMENTS = "arguments";

  /** {@code true}: the files' own code may run (the registry checked the user trusts it). */
  public static final String PARAM_TRUSTED = "trusted";

  /** The Transformers task head the user asked for ({@code --task}); absent: from the files. */
  public static final String PARAM_TASK = "task";

  /**
   * The task the registry declares for the model (the Hub's pipeline_tag): it picks the head when
   * config.json names no architecture.
   */
  public static final String PARAM_DECLARED_TASK = "declared_task";

  public Conversion {
    parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
  }

  public Conversion(String framework, String title, String reference, String alternatives) {
    this(framework, title, reference, alternatives, Map.of());
  }
}
