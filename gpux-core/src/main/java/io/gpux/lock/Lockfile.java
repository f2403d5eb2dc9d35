package io.gpux.lock;

import io.gpux.error.GpuxException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A parsed or freshly made {@code gpux.lock}: models sorted by registry, name and file selection,
 * each at most once. {@link #write()} gives the same bytes for the same models, whatever order they
 * were locked in; {@link #parse} reads them back (see {@link LockfileFormat}).
 */
public record Lockfile(List<LockedModel> models) {
  /** The format version a lockfile starts with ({@code lockfile: 1}); a newer one is refused. */
  public static final int FORMAT = 1;

  /** The file name {@code gpux lock} writes by default, and {@code gpux build} beside gpux.yml. */
  public static final String FILE_NAME = "gpux.lock";

  public Lockfile {
    List<LockedModel> sorted = new ArrayList<>(models);
    sorted.sort(
        Comparator.comparing(LockedModel::registry)
            .thenComparing(LockedModel::name)
            .thenComparing(m -> m.selection() == null ? "" : m.selection()));
    Set<String> seen = new HashSet<>();
    for (LockedModel m : sorted) {
      if (!seen.add(m.key())) {
        throw GpuxException.invalidInput(
            m.key() + " is locked twice" + (m.line() > 0 ? " (line " + m.line() + ")" : ""),
            "a lockfile names one version of each model (and file selection): lock one of them");
      }
    }
    models = List.copyOf(sorted);
  }

  /** The lockfile's text: sorted, no timestamps, one file per line. */
  public String write() {
    return LockfileFormat.write(this);
  }

  /**
   * Reads a lockfile; {@code fileName} names it in errors ({@code gpux.lock:12: ...}).
   *
   * @throws GpuxException (invalid input) naming the line and what is wrong
   */
  public static Lockfile parse(String text, String fileName) {
    return LockfileFormat.read(text, fileName);
  }

  /** The entry for {@code registry:name} with the default file selection, or null. */
  public LockedModel find(String registry, String name) {
    return models.stream()
        .filter(m -> m.registry().equals(registry) && m.name().equals(name))
        .filter(m -> m.selection() == null)
        .findFirst()
        .orElse(null);
  }
}
