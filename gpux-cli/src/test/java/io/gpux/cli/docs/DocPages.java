package io.gpux.cli.docs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The pages whose commands the tests run: README.md and docs/**.md but the generated reference. */
public final class DocPages {
  private DocPages() {}

  /**
   * README.md first, then every docs page in name order; docs/reference is generated from the
   * commands themselves (ReferenceDocsTest): its examples are --help's, which name files of the
   * reader's (models.txt), not the repository's.
   */
  public static List<Path> all(Path root) throws IOException {
    List<Path> files = new ArrayList<>(List.of(root.resolve("README.md")));
    try (Stream<Path> docs = Files.walk(root.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md"))
          .filter(p -> !p.startsWith(root.resolve("docs/reference")))
          .sorted()
          .forEach(files::add);
    }
    return files;
  }
}
