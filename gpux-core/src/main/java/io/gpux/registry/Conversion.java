package io.gpux.registry;

/**
 * What a resolved model's files are when they are not ONNX, so that the pull can hand them to a
 * {@link ModelConverter} (a Kaggle variation of framework TensorFlow 2, a Hugging Face repository
 * with Transformers weights).
 *
 * @param framework the converter's name for the format: {@code tensorflow} (a SavedModel), {@code
 *     keras}, {@code tflite} or {@code transformers}, as {@code gpux convert --framework} takes it
 * @param title the format as people call it, for messages: "TensorFlow 2"
 * @param reference the reference as the user wrote it, for messages
 * @param alternatives what to pull instead when nothing can convert it (a hint), or null
 * @param declaredTask the task the registry declares for the model (the Hub's pipeline_tag), which
 *     picks a Transformers head when config.json names none; null when there is none
 */
public record Conversion(
    String framework, String title, String reference, String alternatives, String declaredTask) {

  public Conversion(String framework, String title, String reference, String alternatives) {
    this(framework, title, reference, alternatives, null);
  }
}
