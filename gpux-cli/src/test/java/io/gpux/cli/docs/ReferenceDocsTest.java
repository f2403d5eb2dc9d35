package io.gpux.cli.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gpux.cli.Main;
import io.gpux.testing.RepoFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The command reference (docs/reference) and the man pages (man/man1) are generated from the
 * commands; regenerated here, they must equal what is committed, and the man pages must read as man
 * pages.
 */
class ReferenceDocsTest {
  private final Path root = RepoFiles.root();

  @Test
  void committedReferenceIsWhatTheCommandsGenerate(@TempDir Path tmp) throws IOException {
    ReferenceGenerator.write(Main.commandModel(), tmp);
    for (Path dir : List.of(ReferenceGenerator.MARKDOWN, ReferenceGenerator.MAN)) {
      TreeSet<String> want = names(tmp.resolve(dir));
      TreeSet<String> have = names(root.resolve(dir));
      assertEquals(want, have, dir + ": pages differ from the commands; run bin/docs");
      for (String name : want) {
        assertEquals(
            Files.readString(tmp.resolve(dir).resolve(name)),
            Files.readString(root.resolve(dir).resolve(name)),
            dir.resolve(name) + " is stale: run bin/docs to regenerate it");
      }
    }
  }

  @Test
  void everyVisibleCommandHasAPageAndTheIndexLinksIt() {
    CommandLine model = Main.commandModel();
    Map<Path, String> pages = ReferenceGenerator.render(model);
    String index = pages.get(ReferenceGenerator.MARKDOWN.resolve("index.md"));
    for (String verb : model.getSubcommands().keySet()) {
      CommandLine sub = model.getSubcommands().get(verb);
      if (sub.getCommandSpec().usageMessage().hidden() || !verb.equals(sub.getCommandName())) {
        continue;
      }
      String page = "gpux-" + verb;
      assertTrue(pages.containsKey(ReferenceGenerator.MAN.resolve(page + ".1")), page);
      assertTrue(index.contains("](" + page + ".md)"), "the index links " + page);
    }
    // Nested commands get their own pages too.
    assertTrue(pages.containsKey(ReferenceGenerator.MAN.resolve("gpux-batch-pull.1")));
    String pull = pages.get(ReferenceGenerator.MARKDOWN.resolve("gpux-pull.md"));
    assertTrue(pull.contains("| `--revision=REV` |"), pull);
  }

  @Test
  void roffEscapesWhatRoffWouldRead() {
    assertEquals("\\-\\-help", Roff.escape("--help"));
    assertEquals("\\&.gpux/build.json", Roff.escape(".gpux/build.json"));
    assertEquals("C:\\eDATA", Roff.escape("C:\\DATA"));
    assertEquals("\\<REF\\> `a_b` GPUX\\_HOME", Markdown.escape("<REF> `a_b` GPUX_HOME"));
  }

  @Test
  void manFindsThePagesThroughManpathAndRendersThem() throws Exception {
    Assumptions.assumeTrue(onPath("man"), "man is not installed");
    Path man = root.resolve("man");
    Result where = exec(List.of("man", "-w", "gpux-pull"), man);
    assertEquals(0, where.code, where.out);
    assertEquals(root.resolve("man/man1/gpux-pull.1").toRealPath(), Path.of(where.out.strip()));
    Result page = exec(List.of("man", "-l", root.resolve("man/man1/gpux-pull.1").toString()), man);
    assertEquals(0, page.code, page.out);
    assertTrue(page.out.contains("GPUX-PULL(1)"), page.out);
    assertTrue(page.out.contains("--revision=REV"), "hyphens print as hyphens: " + page.out);
    assertTrue(page.out.contains("SEE ALSO"), page.out);
  }

  @Test
  void binInstallManMakesManGpuxPullWork(@TempDir Path prefix) throws Exception {
    Assumptions.assumeTrue(onPath("man"), "man is not installed");
    Result install = exec(List.of("bash", "bin/install-man", prefix.toString()), null, root);
    assertEquals(0, install.code, install.out);
    Path page = prefix.resolve("share/man/man1/gpux-pull.1");
    assertEquals(root.resolve("man/man1/gpux-pull.1").toRealPath(), page.toRealPath());
    Result where = exec(List.of("man", "-w", "gpux-pull"), prefix.resolve("share/man"), root);
    assertEquals(0, where.code, where.out);
    assertEquals(page.toRealPath(), Path.of(where.out.strip()).toRealPath());
  }

  @Test
  void everyManPageRendersWithoutRoffWarnings() throws Exception {
    Assumptions.assumeTrue(onPath("groff"), "groff is not installed");
    List<String> cmd = new ArrayList<>(List.of("groff", "-man", "-Tutf8", "-ww", "-z"));
    try (Stream<Path> pages = Files.list(root.resolve(ReferenceGenerator.MAN))) {
      pages.sorted().forEach(p -> cmd.add(p.toString()));
    }
    Result r = exec(cmd, null);
    assertEquals(0, r.code, r.out);
    assertEquals("", r.out, "groff warnings");
  }

  private static TreeSet<String> names(Path dir) throws IOException {
    TreeSet<String> out = new TreeSet<>();
    if (Files.isDirectory(dir)) {
      try (Stream<Path> s = Files.list(dir)) {
        s.forEach(p -> out.add(p.getFileName().toString()));
      }
    }
    return out;
  }

  private record Result(int code, String out) {}

  private static Result exec(List<String> cmd, Path manpath) throws Exception {
    return exec(cmd, manpath, null);
  }

  private static Result exec(List<String> cmd, Path manpath, Path dir) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    if (dir != null) {
      pb.directory(dir.toFile());
    }
    pb.environment().put("MANPAGER", "cat");
    pb.environment().put("MANWIDTH", "100");
    if (manpath != null) {
      pb.environment().put("MANPATH", manpath.toString());
    }
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", cmd));
    return new Result(p.exitValue(), out);
  }

  private static boolean onPath(String tool) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(d, tool))) {
        return true;
      }
    }
    return false;
  }
}
