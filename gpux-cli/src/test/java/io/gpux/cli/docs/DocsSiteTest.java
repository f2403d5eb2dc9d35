package io.gpux.cli.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gpux.testing.PythonEnv;
import io.gpux.testing.RepoFiles;
import io.gpux.testing.Slow;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CI builds the docs site: {@code bin/docs} succeeds on the pages as committed, and the same strict
 * build fails on a broken link, a broken anchor and a page left out of the nav.
 */
@Slow
class DocsSiteTest {
  private final Path root = RepoFiles.root();

  @Test
  void binDocsBuildsTheSiteStrictly(@TempDir Path site) throws Exception {
    PythonEnv.python("docs");
    // --no-generate: the reference as committed (ReferenceDocsTest keeps it current), so that
    // the test does not rebuild the CLI from inside the build.
    Result r =
        exec(List.of("bash", "bin/docs", "--no-generate", "--site-dir", site.toString()), root);
    assertEquals(0, r.code, r.out);
    assertTrue(Files.isRegularFile(site.resolve("index.html")), r.out);
    assertTrue(Files.isRegularFile(site.resolve("registries/huggingface.html")), r.out);
    String pull = Files.readString(site.resolve("reference/gpux-pull.html"));
    assertTrue(pull.contains("--revision=REV"), "the generated reference is in the site");
  }

  @Test
  void aBrokenLinkAnAnchorOrAPageOutsideTheNavFailsTheBuild(@TempDir Path tmp) throws Exception {
    Path python = PythonEnv.python("docs");
    copy(root.resolve("docs"), tmp.resolve("docs"));
    copy(root.resolve("python/docs_hooks"), tmp.resolve("python/docs_hooks"));
    Files.copy(root.resolve("mkdocs.yml"), tmp.resolve("mkdocs.yml"));
    Files.writeString(
        tmp.resolve("docs/orphan.md"),
        "# Orphan\n\n[gone](no-such-page.md), [no anchor](store.md#no-such-anchor),"
            + " [not in the repository](../no-such-file.txt)\n");
    Result r =
        exec(
            List.of(
                python.getParent().resolve("mkdocs").toString(),
                "build",
                "--strict",
                "-f",
                tmp.resolve("mkdocs.yml").toString()),
            tmp);
    assertNotEquals(0, r.code, r.out);
    assertTrue(r.out.contains("orphan.md"), "the page outside the nav is named: " + r.out);
    assertTrue(r.out.contains("no-such-page.md"), r.out);
    assertTrue(r.out.contains("#no-such-anchor"), r.out);
    assertTrue(r.out.contains("../no-such-file.txt"), r.out);
  }

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  private record Result(int code, String out) {}

  private static Result exec(List<String> cmd, Path dir) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), String.join(" ", cmd));
    return new Result(p.exitValue(), out);
  }
}
