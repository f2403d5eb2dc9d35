package io.gpux.testing.hf;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The GPUX checkout: surefire passes it as {@code gpux.repo.root}; otherwise it is found upwards.
 */
final class RepoRoot {
  private RepoRoot() {}

  static Path get() {
    String configured = System.getProperty("gpux.repo.root");
    if (configured != null && Files.isDirectory(Path.of(configured, "python"))) {
      return Path.of(configured);
    }
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("python"))) {
        return p;
      }
    }
    throw new IllegalStateException("no folder with python/ above " + Path.of("").toAbsolutePath());
  }
}
