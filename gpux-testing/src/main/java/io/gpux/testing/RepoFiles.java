package io.gpux.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the repository's examples and scripts are, from the tests' point of view. */
public final class RepoFiles {
  private RepoFiles() {}

  public static Path root() {
    String configured = System.getProperty("gpux.repo.root");
    Path p = configured == null ? Path.of("").toAbsolutePath() : Path.of(configured);
    while (p != null && !Files.isDirectory(p.resolve("examples"))) {
      p = p.getParent();
    }
    if (p == null) {
      throw new IllegalStateException("cannot find the repository root (no examples/ folder)");
    }
    return p;
  }
}
