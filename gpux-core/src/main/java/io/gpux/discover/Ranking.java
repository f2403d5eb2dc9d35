package io.gpux.discover;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Merging, filtering and ordering of hits from several registries, the same for all. Two hits are
 * one model when they have the same reference, or come from different registries under the same
 * owner (or owners that mirror each other, in {@code tasks.json}) with the same name.
 */
final class Ranking {
  private Ranking() {}

  static List<Candidate> rank(List<Candidate> hits, DiscoverQuery q, TaskVocabulary vocabulary) {
    Map<String, Double> score = new HashMap<>();
    Map<String, Integer> position = new HashMap<>();
    Map<String, Candidate> byKey = new LinkedHashMap<>();
    Map<String, String> keyOfReference = new HashMap<>();
    for (Candidate c : hits) {
      int pos = position.merge(c.registry(), 1, Integer::sum) - 1;
      String ref = c.reference();
      if (keyOfReference.containsKey(ref)) {
        continue; // the same hit twice (a stored model also in a cached answer)
      }
      String key = sameModelKey(c, vocabulary);
      Candidate seen = key == null ? null : byKey.get(key);
      if (seen != null
          && !seen.sources().stream().anyMatch(s -> s.registry().equals(c.registry()))) {
        byKey.put(key, seen.merge(c));
        keyOfReference.put(ref, key);
        score.merge(key, relevance(c, q.text(), pos), Math::max);
        continue;
      }
      String own = key != null && seen == null ? key : "ref:" + ref;
      byKey.put(own, c);
      keyOfReference.put(ref, own);
      score.put(own, relevance(c, q.text(), pos));
    }
    List<Map.Entry<String, Candidate>> kept = new ArrayList<>();
    for (Map.Entry<String, Candidate> e : byKey.entrySet()) {
      if (q.accepts(e.getValue())) {
        kept.add(e);
      }
    }
    Comparator<Map.Entry<String, Candidate>> order =
        switch (q.sort()) {
          case RELEVANCE -> Comparator.comparing(e -> -score.get(e.getKey()));
          case DOWNLOADS -> Comparator.comparingLong(e -> -e.getValue().downloads());
          case UPDATED ->
              Comparator.comparing(
                  e -> e.getValue().updated(),
                  Comparator.nullsLast(Comparator.<java.time.Instant>reverseOrder()));
          case SIZE ->
              Comparator.comparingLong(
                  e -> e.getValue().sizeBytes() < 0 ? Long.MAX_VALUE : e.getValue().sizeBytes());
          case NAME -> Comparator.comparing(e -> e.getValue().name().toLowerCase(Locale.ROOT));
        };
    kept.sort(order.thenComparing(e -> e.getValue().reference()));
    List<Candidate> out = new ArrayList<>();
    for (int i = 0; i < kept.size() && i < q.limit(); i++) {
      out.add(kept.get(i).getValue());
    }
    return out;
  }

  /** Owner family and last name segment, lower case; null when the owner is unknown. */
  private static String sameModelKey(Candidate c, TaskVocabulary vocabulary) {
    String family = vocabulary.ownerFamily(c.author());
    if (family == null) {
      return null;
    }
    String n = c.name();
    n = n.substring(n.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
    return family + "/" + n.replaceAll("[^a-z0-9]+", "-");
  }

  /**
   * How well a hit matches the text (the name exactly, its start, within it, elsewhere), then its
   * place in its registry's own order, then its downloads: the registries' orders interleave.
   */
  static double relevance(Candidate c, String text, int position) {
    double match = 0;
    if (text != null && !text.isBlank()) {
      String t = text.trim().toLowerCase(Locale.ROOT);
      String name = c.name().toLowerCase(Locale.ROOT);
      String last = name.substring(name.lastIndexOf('/') + 1);
      match =
          last.equals(t) || name.equals(t)
              ? 3
              : last.startsWith(t) ? 2 : name.contains(t) ? 1.5 : c.hasTag(t) ? 1 : 0.5;
    }
    long d = c.downloads();
    return match * 10 + 1.0 / (1 + position) + (d > 0 ? Math.log10(d + 1) / 10 : 0);
  }

  /** An offline search's text match: a substring of the name or of the other words given. */
  static boolean textMatches(String text, String name, String words) {
    if (text == null || text.isBlank()) {
      return true;
    }
    String t = text.trim().toLowerCase(Locale.ROOT);
    return name.toLowerCase(Locale.ROOT).contains(t) || words.toLowerCase(Locale.ROOT).contains(t);
  }
}
