package io.gpux.cli;

import io.gpux.error.ErrorCategory;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Where an error's entry is in docs/troubleshooting.md, for the {@code see:} line under its hint.
 *
 * <p>The page is indexed by the errors' first words: each entry's heading is a message with {@code
 * ...} for what varies ({@code ... is not in the store}), and {@link #ENTRIES} lists the same
 * headings, most specific first. An error goes to the entry its exception names ({@code
 * GpuxException#withTopic}), else to the first whose heading matches the start of its message, else
 * to its exit code's section. TroubleshootingTest checks that every heading here is one of the
 * page's, so a link never points at nothing.
 *
 * <p>The link's base is {@code GPUX_DOCS_URL}, the address of a built docs site ({@code bin/docs}
 * output, wherever a team hosts it); its pages are {@code .html}. Unset, the link is the page in
 * GPUX's source tree, {@code docs/troubleshooting.md}: GPUX has no docs site of its own on the
 * internet to default to, the tree is what every installation comes from, and the Markdown page
 * reads as it is in a checkout or on a Git host, also on an air-gapped machine.
 */
final class Troubleshooting {
  static final String PAGE = "troubleshooting.md";
  static final String BASE_VARIABLE = "GPUX_DOCS_URL";

  /** The entries' headings, without their backquotes; the first match wins. */
  static final List<String> ENTRIES =
      List.of(
          "missing required ...",
          "unknown option '...' for ...",
          "unknown command '...'",
          "--input is not valid JSON",
          "input '...' has shape ... but the model expects ...",
          "build failed: ... difference(s) between gpux.yml and the model",
          "the store at ... is empty",
          "... is not in the store",
          "invalid model reference",
          "GPUX_OFFLINE=1 is set, so ... was not contacted",
          "... written by a newer GPUX ...",
          "cannot reach the index database ...",
          "the disk is full while downloading to ...",
          "not enough disk space: the pull needs ...",
          "... does not match its digest ...",
          "cannot resolve the proxy's host ...",
          "the proxy ... refused ...",
          "connection refused by ...",
          "cannot resolve host ...",
          "cannot reach ...",
          "no MLflow tracking server is configured",
          "no model ... on ...",
          "... is gated...",
          "... has no revision '...'",
          "... has no ONNX file but Transformers weights ...",
          "... has only pickle weights ...",
          "... is not trusted: building its model runs the repository's hubconf.py ...",
          "Kaggle refused the credentials from ...",
          "Kaggle needs credentials for ...",
          "Kaggle has no ...",
          "... is still being uploaded (state PENDING)",
          "... not found: no version of '...' has alias '...'",
          "... refused access to ... with ...",
          "... has no oci://...",
          "... is not a Python environment ...",
          "batch run needs inputs",
          "'...' is not a valid workspace name");

  /** The section of each exit code, for an error no entry names. */
  static final Map<ErrorCategory, String> BY_CATEGORY =
      Map.of(
          ErrorCategory.RUNTIME_FAILURE, "Exit code 1: the model failed",
          ErrorCategory.INVALID_INPUT, "Exit code 2: bad input",
          ErrorCategory.NOT_FOUND, "Exit code 2: bad input",
          ErrorCategory.UNAVAILABLE, "Exit code 3: something this machine lacks or cannot reach",
          ErrorCategory.INTERNAL, "Exit code 4: an internal error");

  private static final List<Pattern> PATTERNS =
      ENTRIES.stream().map(Troubleshooting::pattern).toList();

  private final String base;

  private Troubleshooting(String base) {
    this.base = base;
  }

  static Troubleshooting from(Map<String, String> env) {
    String url = env.getOrDefault(BASE_VARIABLE, "").strip();
    return new Troubleshooting(
        url.isEmpty()
            ? "docs/" + PAGE
            : url.replaceAll("/+$", "") + "/" + PAGE.replace(".md", ".html"));
  }

  /** The {@code see:} line's link for an error. */
  String link(String topic, String problem, ErrorCategory category) {
    return base + "#" + anchor(heading(topic, problem, category));
  }

  /** The heading of the entry for an error: its topic, else the first match, else its category. */
  static String heading(String topic, String problem, ErrorCategory category) {
    if (topic != null) {
      return topic;
    }
    for (int i = 0; i < ENTRIES.size(); i++) {
      if (PATTERNS.get(i).matcher(problem).lookingAt()) {
        return ENTRIES.get(i);
      }
    }
    return BY_CATEGORY.get(category);
  }

  /** A heading's anchor, as GitHub and the docs site (pymdownx slugify, lower case) make it. */
  static String anchor(String heading) {
    return heading
        .strip()
        .toLowerCase(Locale.ROOT)
        .replaceAll("[^\\p{L}\\p{N}_\\- ]", "")
        .replace(' ', '-');
  }

  /** A heading as a pattern over messages: {@code ...} stands for any text. */
  static Pattern pattern(String heading) {
    StringBuilder regex = new StringBuilder();
    String[] parts = heading.split("\\.\\.\\.", -1);
    for (int i = 0; i < parts.length; i++) {
      if (i > 0) {
        regex.append(".*?");
      }
      regex.append(Pattern.quote(parts[i]));
    }
    return Pattern.compile(regex.toString(), Pattern.DOTALL);
  }
}
