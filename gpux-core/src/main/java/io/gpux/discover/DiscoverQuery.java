package io.gpux.discover;

import io.gpux.registry.SearchQuery;
import java.util.List;

/**
 * A search across registries: free text, the registries to ask, and the filters every result must
 * pass, applied the same way whichever registry answered.
 *
 * @param text free text, or null
 * @param registries the registries to ask; empty asks every configured one
 * @param task a task name of the {@link TaskVocabulary} (already checked), or null
 * @param license a license identifier (compared case-insensitively), or null
 * @param author the owner, or null
 * @param format a file format such as {@code onnx}, or null
 * @param maxSizeBytes only models at most this big (unknown sizes pass), or -1
 * @param minDownloads only models with at least this many downloads, or -1
 * @param tags only models with all these tags
 * @param sort the order of the merged results
 * @param limit at most this many results
 */
public record DiscoverQuery(
    String text,
    List<String> registries,
    String task,
    String license,
    String author,
    String format,
    long maxSizeBytes,
    long minDownloads,
    List<String> tags,
    Sort sort,
    int limit) {

  /** The orders of the merged list. */
  public enum Sort {
    /** Text match first, then each registry's own order and the downloads. */
    RELEVANCE,
    DOWNLOADS,
    UPDATED,
    /** Smallest first. */
    SIZE,
    NAME;

    /**
     * Parses {@code relevance}, {@code downloads}, {@code updated}, {@code size} or {@code name}.
     */
    public static Sort parse(String text) {
      return SearchQuery.Sort.parse(values(), RELEVANCE, UPDATED, text);
    }

    SearchQuery.Sort forRegistry() {
      return switch (this) {
        case DOWNLOADS -> SearchQuery.Sort.DOWNLOADS;
        case UPDATED -> SearchQuery.Sort.UPDATED;
        case NAME -> SearchQuery.Sort.NAME;
        case RELEVANCE, SIZE -> SearchQuery.Sort.RELEVANCE; // sizes are sorted here
      };
    }
  }

  public DiscoverQuery {
    registries = registries == null ? List.of() : List.copyOf(registries);
    tags = tags == null ? List.of() : List.copyOf(tags);
    sort = sort == null ? Sort.RELEVANCE : sort;
    limit = limit <= 0 ? 20 : limit;
  }

  /** Free text over every configured registry, no filters. */
  public static DiscoverQuery of(String text) {
    return new DiscoverQuery(text, List.of(), null, null, null, null, -1, -1, List.of(), null, 20);
  }

  public DiscoverQuery withRegistries(List<String> registries) {
    return new DiscoverQuery(
        text,
        registries,
        task,
        license,
        author,
        format,
        maxSizeBytes,
        minDownloads,
        tags,
        sort,
        limit);
  }

  public DiscoverQuery withTask(String task) {
    return new DiscoverQuery(
        text,
        registries,
        task,
        license,
        author,
        format,
        maxSizeBytes,
        minDownloads,
        tags,
        sort,
        limit);
  }

  /** Whether a filter the registries may not apply on their side is set. */
  boolean filtersLocally() {
    return task != null
        || license != null
        || author != null
        || format != null
        || maxSizeBytes >= 0
        || minDownloads >= 0
        || !tags.isEmpty();
  }

  /**
   * What registry {@code name} is asked: text, author and tags as they are, the task only where the
   * registry speaks this vocabulary, and more results than the limit when filters here will drop
   * some.
   */
  SearchQuery forRegistry(String name, TaskVocabulary vocabulary) {
    return new SearchQuery(
        text,
        author,
        task != null && vocabulary.serverSide(name) ? task : null,
        tags,
        sort.forRegistry(),
        filtersLocally() ? Math.max(limit * 3, 50) : limit);
  }

  /** Whether {@code c} passes every filter (the text is the registries' business). */
  boolean accepts(Candidate c) {
    if (task != null && !task.equals(c.task())) {
      return false;
    }
    if (license != null && (c.license() == null || !c.license().equalsIgnoreCase(license))) {
      return false;
    }
    if (author != null && (c.author() == null || !c.author().equalsIgnoreCase(author))) {
      return false;
    }
    if (format != null && (c.format() == null || !c.format().equalsIgnoreCase(format))) {
      return false;
    }
    if (maxSizeBytes >= 0 && c.sizeBytes() > maxSizeBytes) {
      return false;
    }
    if (minDownloads >= 0 && c.downloads() < minDownloads) {
      return false;
    }
    for (String t : tags) {
      if (!c.hasTag(t)) {
        return false;
      }
    }
    return true;
  }
}
