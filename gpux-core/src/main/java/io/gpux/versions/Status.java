package io.gpux.versions;

import java.util.Locale;

/** Where a local name stands against its registry, as {@code gpux outdated} reports it. */
public enum Status {
  /** The registry's name points at the version the local name has. */
  CURRENT,
  /** The registry's name points at another version: {@code gpux update} would move to it. */
  OUTDATED,
  /** Pinned: updates leave it alone, and the registry is not asked. */
  PINNED,
  /** Pulled by an exact version, which never moves. */
  EXACT,
  /** The registry could not be asked (down, refused, the name gone): see the error. */
  UNREACHABLE;

  /** The name in JSON and tables: {@code current}, {@code outdated}, ... */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
