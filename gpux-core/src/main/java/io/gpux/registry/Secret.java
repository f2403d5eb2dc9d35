package io.gpux.registry;

import java.util.Objects;

/** A token or password. Its {@code toString} never shows the value, so it cannot leak into logs. */
public final class Secret {
  private final String value;

  public Secret(String value) {
    this.value = Objects.requireNonNull(value);
  }

  /** The value itself: only for the header or file it is meant for. */
  public String reveal() {
    return value;
  }

  @Override
  public String toString() {
    return "****";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Secret s && s.value.equals(value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }
}
