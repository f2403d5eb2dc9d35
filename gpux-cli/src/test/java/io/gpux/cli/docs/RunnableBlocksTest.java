package io.gpux.cli.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gpux.testing.RepoFiles;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How a runnable example is marked and what its shown output means (RunnableDocsTest runs them);
 * fast, so that a page that declares a server no test provides fails in the inner loop too.
 */
class RunnableBlocksTest {
  @Test
  void onlyConsoleBlocksAreRunnableAndTheirOutputFollowsTheirCommand() {
    RunnableBlocks page =
        RunnableBlocks.parse(
            "p.md",
            List.of(
                "<!-- runnable: hf, kaggle -->",
                "```bash",
                "gpux pull hf:not/run",
                "```",
                "```console",
                "$ gpux pull \\",
                "    hf:acme/adder",
                "pulled hf:acme/adder",
                "",
                "$ gpux list",
                "",
                "```"));
    assertEquals(List.of("hf", "kaggle"), List.copyOf(page.servers()));
    assertEquals(2, page.steps().size());
    assertEquals("gpux pull hf:acme/adder", page.steps().get(0).command());
    assertEquals(6, page.steps().get(0).line());
    assertEquals(List.of("pulled hf:acme/adder"), page.steps().get(0).expected());
    assertEquals(List.of(), page.steps().get(1).expected());
  }

  @Test
  void dotsStandForAnyTextInALineAndAnyLinesOnTheirOwn() {
    assertTrue(RunnableBlocks.matches(List.of("a sha256:... b"), "a sha256:12ab b\n"));
    assertTrue(RunnableBlocks.matches(List.of("first", "...", "last"), "first\nx\ny\nlast\n"));
    assertTrue(RunnableBlocks.matches(List.of("first", "...", "last"), "first\nlast"));
    assertFalse(RunnableBlocks.matches(List.of("first", "last"), "first\nx\nlast\n"));
    assertFalse(RunnableBlocks.matches(List.of("a ... b"), "a x\ny b\n"));
    assertTrue(RunnableBlocks.matches(List.of("trailing  "), "trailing\n\n"));
  }

  @Test
  void everyPageDeclaresOnlyServersTheTestsHave() throws Exception {
    List<RunnableBlocks> pages = RunnableBlocks.all(RepoFiles.root());
    assertTrue(pages.size() >= 7, "the pages with runnable examples: " + pages);
    for (RunnableBlocks p : pages) {
      for (String s : p.servers()) {
        assertTrue(DocServers.KNOWN.contains(s), p.file() + " declares an unknown server " + s);
      }
      assertFalse(p.steps().isEmpty(), p.file() + " declares servers but has no console block");
    }
  }
}
