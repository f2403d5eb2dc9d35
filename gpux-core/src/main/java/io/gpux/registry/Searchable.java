package io.gpux.registry;

import java.util.List;

/** A registry capability: finding models by text and filters, for {@code gpux search}. */
public interface Searchable {
  /**
   * Models matching {@code query}, best first. Filters the registry cannot apply on its side are
   * applied by the caller on the returned summaries.
   */
  List<ModelSummary> search(SearchQuery query);
}
