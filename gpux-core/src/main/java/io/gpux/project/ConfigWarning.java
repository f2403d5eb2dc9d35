package io.gpux.project;

/** Something in gpux.yml that is not fatal (an unknown field, a setting that is ignored). */
public record ConfigWarning(String file, int line, String field, String message) {
  @Override
  public String toString() {
    return file + ":" + line + ": " + field + ": " + message;
  }
}
