package io.gpux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gpux.error.ErrorCategory;
import io.gpux.error.GpuxException;
import io.gpux.testing.RepoFiles;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every error's {@code see:} line leads to an entry of docs/troubleshooting.md: each heading the
 * CLI links to is on the page, each entry of the page is one the CLI links to, and the page's index
 * links every entry (which the strict site build checks, anchors included).
 */
class TroubleshootingTest {
  private static final String PAGE = "docs/troubleshooting.md";

  private static List<String> page() throws Exception {
    return Files.readAllLines(RepoFiles.root().resolve(PAGE));
  }

  /** The page's headings, backquotes removed. */
  private static Set<String> headings(List<String> page) {
    Set<String> out = new LinkedHashSet<>();
    for (String l : page) {
      if (l.startsWith("## ") || l.startsWith("### ")) {
        out.add(l.replaceFirst("^#+ ", "").replace("`", "").strip());
      }
    }
    return out;
  }

  @Test
  void everyEntryTheCliLinksToIsOnThePageAndTheIndexLinksIt() throws Exception {
    List<String> page = page();
    Set<String> headings = headings(page);
    String text = String.join("\n", page);
    List<String> linked = new ArrayList<>(Troubleshooting.ENTRIES);
    linked.addAll(new LinkedHashSet<>(Troubleshooting.BY_CATEGORY.values()));
    for (String h : linked) {
      assertTrue(headings.contains(h), PAGE + " has no heading for " + h + ": " + headings);
      assertTrue(
          text.contains("](#" + Troubleshooting.anchor(h) + ")"),
          PAGE + "'s index does not link #" + Troubleshooting.anchor(h) + " (" + h + ")");
    }
    assertTrue(Troubleshooting.ENTRIES.size() >= 30, "entries: " + Troubleshooting.ENTRIES.size());
  }

  @Test
  void everyMessageEntryOnThePageIsOneTheCliLinksTo() throws Exception {
    for (String l : page()) {
      if (l.startsWith("## `")) {
        String h = l.substring(3).replace("`", "").strip();
        assertTrue(
            Troubleshooting.ENTRIES.contains(h),
            PAGE + ": " + h + " is not in Troubleshooting.ENTRIES, so no error links to it");
      }
    }
  }

  @Test
  void eachEntrysOwnMessageLeadsToIt() {
    for (String h : Troubleshooting.ENTRIES) {
      String message = h.replace("...", "x");
      assertEquals(
          h,
          Troubleshooting.heading(null, message, ErrorCategory.INVALID_INPUT),
          "an earlier entry takes " + message);
    }
    assertEquals(
        "Exit code 3: something this machine lacks or cannot reach",
        Troubleshooting.heading(null, "a message no entry has", ErrorCategory.UNAVAILABLE));
  }

  @Test
  void anErrorIsAProblemAHintAndItsEntry() {
    GpuxException e = GpuxException.notFound("nosuch is not in the store", "see `gpux list`");
    assertEquals(
        "gpux: error: nosuch is not in the store\n"
            + "hint: see `gpux list`\n"
            + "see: docs/troubleshooting.md#-is-not-in-the-store\n",
        report(e, Map.of()));
    assertEquals(
        "gpux: error: nosuch is not in the store\n"
            + "hint: see `gpux list`\n"
            + "see: https://docs.example.com/gpux/troubleshooting.html#-is-not-in-the-store\n",
        report(e, Map.of("GPUX_DOCS_URL", "https://docs.example.com/gpux/")));
    GpuxException named =
        GpuxException.unavailable("something odd", null).withTopic("cannot reach ...");
    assertEquals(
        "gpux: error: something odd\nsee: docs/troubleshooting.md#cannot-reach-\n",
        report(named, Map.of()));
  }

  private static String report(Exception e, Map<String, String> env) {
    StringWriter out = new StringWriter();
    new ErrorReporter(new PrintWriter(out, true), false, Troubleshooting.from(env)).report(e);
    return out.toString();
  }
}
