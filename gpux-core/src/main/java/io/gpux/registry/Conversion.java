package io.gpux.registry;

/**
 * What a resolved model's files are when they are not ONNX, so that the pull can hand them to a
 * {@link ModelConverter} (a Kaggle variation of framework TensorFlow 2, say).
 *
 * @param framework the converter's name for the format: {@code tensorflow} (a SavedModel), {@code
 *     keras} or {@code tflite}, as {@code gpux convert --framework} takes it
 * @param title the format as people call it, for messages: "TensorFlow 2"
 * @param reference the reference as the user wrote it, for messages
 * @param alternatives what to pull instead when nothing can convert it (a hint), or null
 */
public record Conversion(String framework, String title, String reference, String alternatives) {}
