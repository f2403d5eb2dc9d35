package io.gpux.discover;

import io.gpux.registry.ModelSummary;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One model found by a search, however many registries hold it: the facts its sources agree on (or
 * the first source's, in the registries' order) and every source with its reference and the
 * registry's own figures. A recommendation ranks these.
 *
 * @param name the model's name as its first source gives it
 * @param task the task in the one vocabulary ({@link TaskVocabulary}), or null when no source says
 * @param sizeBytes the size of what a pull would fetch, or -1 when unknown
 * @param sources where it can be pulled from, the first one's reference being {@link #reference}
 */
public record Candidate(
    String name,
    String task,
    String license,
    String author,
    long sizeBytes,
    String format,
    Instant updated,
    List<String> tags,
    List<Source> sources) {

  /**
   * One registry's copy.
   *
   * @param reference pasteable into {@code gpux pull}
   * @param registryTask the task as the registry states it (its own word), or null
   * @param figures the registry's own figures: downloads, likes, stage, aliases, opsets...
   * @param cached whether this answer came from the index's cache rather than the registry now
   */
  public record Source(
      String registry,
      String reference,
      String registryTask,
      Map<String, Object> figures,
      boolean cached) {
    public Source {
      figures = figures == null ? Map.of() : Map.copyOf(figures);
    }
  }

  public Candidate {
    tags = tags == null ? List.of() : List.copyOf(tags);
    sources = List.copyOf(sources);
  }

  static Candidate of(ModelSummary s, String task, boolean cached) {
    return new Candidate(
        s.name(),
        task,
        s.license(),
        s.author(),
        s.sizeBytes(),
        s.format(),
        s.updated(),
        s.tags(),
        List.of(new Source(s.registry(), s.reference(), s.task(), s.extras(), cached)));
  }

  /** The first source's registry. */
  public String registry() {
    return sources.get(0).registry();
  }

  /** The first source's reference, for {@code gpux pull}. */
  public String reference() {
    return sources.get(0).reference();
  }

  /** The most downloads any source reports, or -1 when none does. */
  public long downloads() {
    long most = -1;
    for (Source s : sources) {
      if (s.figures().get(ModelSummary.DOWNLOADS) instanceof Number n) {
        most = Math.max(most, n.longValue());
      }
    }
    return most;
  }

  /** Whether a tag is {@code tag} (case-insensitively), or a {@code key=value} tag has that key. */
  public boolean hasTag(String tag) {
    String t = tag.toLowerCase(Locale.ROOT);
    for (String have : tags) {
      String h = have.toLowerCase(Locale.ROOT);
      if (h.equals(t) || h.startsWith(t + "=")) {
        return true;
      }
    }
    return false;
  }

  /** This candidate with {@code other}'s sources added, and what it lacks filled from them. */
  Candidate merge(Candidate other) {
    List<Source> all = new ArrayList<>(sources);
    all.addAll(other.sources);
    List<String> allTags = new ArrayList<>(tags);
    other.tags.stream().filter(t -> !allTags.contains(t)).forEach(allTags::add);
    return new Candidate(
        name,
        task != null ? task : other.task,
        license != null ? license : other.license,
        author != null ? author : other.author,
        sizeBytes >= 0 ? sizeBytes : other.sizeBytes,
        format != null ? format : other.format,
        updated == null
            ? other.updated
            : other.updated != null && other.updated.isAfter(updated) ? other.updated : updated,
        allTags,
        all);
  }
}
