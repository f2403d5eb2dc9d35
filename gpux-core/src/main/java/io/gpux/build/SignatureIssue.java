package io.gpux.build;

/** A difference between what gpux.yml declares and what the ONNX model really takes or gives. */
public record SignatureIssue(Severity severity, String tensor, String message) {

  /** Errors stop a build; warnings are printed. */
  public enum Severity {
    ERROR,
    WARNING
  }

  @Override
  public String toString() {
    return severity.name().toLowerCase(java.util.Locale.ROOT) + ": " + tensor + ": " + message;
  }
}
