package io.gpux.registry;

import io.gpux.error.GpuxException;
import java.util.List;
import java.util.Locale;

/**
 * A model search in terms every registry can answer: free text plus filters. A registry applies
 * what its API can; the rest is applied to the summaries it returns.
 *
 * @param text free text, or null
 * @param author only models of this owner, or null
 * @param task only models for this task, or null
 * @param tags only models with all these tags
 * @param sort the order of the results
 * @param limit at most this many results (at least 1)
 */
public record SearchQuery(
    String text, String author, String task, List<String> tags, Sort sort, int limit) {

  /** The orders a search can ask for, whatever the registry. */
  public enum Sort {
    RELEVANCE,
    DOWNLOADS,
    UPDATED,
    NAME;

    /** Parses {@code relevance}, {@code downloads}, {@code updated} or {@code name}. */
    public static Sort parse(String text) {
      if (text == null || text.isBlank()) {
        return RELEVANCE;
      }
      String t = text.trim().toLowerCase(Locale.ROOT);
      if (t.equals("lastmodified")) {
        return UPDATED; // the Hugging Face API's name for it, which `gpux search` once took
      }
      for (Sort s : values()) {
        if (s.name().toLowerCase(Locale.ROOT).equals(t)) {
          return s;
        }
      }
      throw GpuxException.invalidInput(
          "unknown sort order '" + text + "'", "use relevance, downloads, updated or name");
    }
  }

  public SearchQuery {
    tags = tags == null ? List.of() : List.copyOf(tags);
    sort = sort == null ? Sort.RELEVANCE : sort;
    limit = limit <= 0 ? 20 : limit;
  }
}
