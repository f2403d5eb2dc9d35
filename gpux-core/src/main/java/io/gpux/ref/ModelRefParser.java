package io.gpux.ref;

import io.gpux.error.GpuxException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Splits a model reference into its registry prefix and the rest, and hands the rest to the
 * registry's own {@link ReferenceGrammar}. The prefixes are those of the installed plug-ins, so
 * {@code bert:latest} is a local name with a tag while {@code hf:bert} names the Hugging Face
 * registry; a name reserved for a registry that is not installed is refused rather than read as a
 * local name.
 */
public final class ModelRefParser {
  /** One way to start a reference: {@code hf:}, {@code huggingface:} or {@code models:/}. */
  public record Prefix(String text, String registry, ReferenceGrammar grammar) {}

  private final Map<String, Prefix> prefixes = new LinkedHashMap<>();
  private final List<Prefix> schemes = new ArrayList<>();
  private final Map<String, String> reserved;

  /**
   * @param prefixes each accepted prefix: a name ({@code hf}, {@code huggingface}, matched
   *     case-insensitively before a ':') or a URI scheme ending in '/' ({@code models:/}, matched
   *     as written)
   * @param reserved prefixes of registries GPUX knows of but this build lacks, each with what to
   *     say about it
   */
  public ModelRefParser(List<Prefix> prefixes, Map<String, String> reserved) {
    for (Prefix p : prefixes) {
      if (p.text().endsWith("/")) {
        schemes.add(p);
      } else {
        this.prefixes.putIfAbsent(p.text().toLowerCase(Locale.ROOT), p);
      }
    }
    // Longest first, so that a scheme that extends another wins.
    schemes.sort(Comparator.comparingInt((Prefix p) -> p.text().length()).reversed());
    this.reserved = Map.copyOf(reserved);
  }

  public ModelRef parse(String text) {
    if (text == null || text.isBlank()) {
      throw ReferenceSyntax.invalid(String.valueOf(text), "is empty");
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isISOControl(c) || Character.isWhitespace(c)) {
        throw ReferenceSyntax.invalid(text, "contains a space or control character");
      }
    }
    for (Prefix scheme : schemes) {
      if (text.startsWith(scheme.text())) {
        return scheme
            .grammar()
            .parse(scheme.registry(), scheme.text(), text.substring(scheme.text().length()), text);
      }
    }
    int colon = text.indexOf(':');
    int slash = text.indexOf('/');
    if (colon > 0 && (slash < 0 || colon < slash)) {
      String name = text.substring(0, colon).toLowerCase(Locale.ROOT);
      Prefix p = prefixes.get(name);
      if (p != null) {
        return p.grammar()
            .parse(p.registry(), text.substring(0, colon + 1), text.substring(colon + 1), text);
      }
      String missing = reserved.get(name);
      if (missing != null) {
        throw GpuxException.unavailable(
            "'"
                + text
                + "' names the "
                + missing
                + ", which this build of GPUX does not include yet",
            "installed registries: " + String.join(", ", installed()));
      }
    }
    return ReferenceGrammar.DEFAULT.parse(null, "", text, text);
  }

  /** The canonical names of the registries this parser knows, sorted. */
  public List<String> installed() {
    return prefixes.values().stream().map(Prefix::registry).distinct().sorted().toList();
  }
}
