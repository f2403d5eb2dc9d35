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
      return parse(values(), RELEVANCE, UPDATED, text);
    }

    /**
     * A sort order by its lower-case name among {@code orders} ({@code first} when none is given),
     * with {@code lastmodified} (the Hugging Face API's name, which {@code gpux search} once took)
     * meaning {@code updated}: shared by every search that takes {@code --sort}.
     */
    public static <E extends Enum<E>> E parse(E[] orders, E first, E updated, String text) {
      if (text == null || text.isBlank()) {
        return first;
      }
      String t = text.trim().toLowerCase(Locale.ROOT);
      if (t.equals("lastmodified")) {
        return updated;
      }
      for (E s : orders) {
        if (s.name().toLowerCase(Locale.ROOT).equals(t)) {
          return s;
        }
      }
      List<String> names = new java.util.ArrayList<>();
      for (E s : orders) {
        names.add(s.name().toLowerCase(Locale.ROOT));
      }
      String last = names.remove(names.size() - 1);
      throw GpuxException.invalidInput(
          "unknown sort order '" + text + "'", "use " + String.join(", ", names) + " or " + last);
    }
  }

  public SearchQuery {
    tags = tags == null ? List.of() : List.copyOf(tags);
    sort = sort == null ? Sort.RELEVANCE : sort;
    limit = limit <= 0 ? 20 : limit;
  }
}
