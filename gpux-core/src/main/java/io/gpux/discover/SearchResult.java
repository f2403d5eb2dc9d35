package io.gpux.discover;

import java.util.List;

/**
 * The merged answer of a search across registries, with the registries that could not answer.
 *
 * @param candidates the merged, filtered, ranked models, best first
 * @param searched the registries asked (or, offline, the index)
 * @param failures the registries that failed or timed out, each with the reason
 * @param offline whether only the index was searched ({@code GPUX_OFFLINE=1})
 */
public record SearchResult(
    List<Candidate> candidates, List<String> searched, List<Failure> failures, boolean offline) {

  /** A registry that did not answer, and why (its error's message, or the timeout). */
  public record Failure(String registry, String reason) {}

  public SearchResult {
    candidates = List.copyOf(candidates);
    searched = List.copyOf(searched);
    failures = List.copyOf(failures);
  }

  /** Whether every registry asked failed (then there is nothing to show). */
  public boolean allFailed() {
    return !failures.isEmpty() && failures.size() == searched.size();
  }
}
