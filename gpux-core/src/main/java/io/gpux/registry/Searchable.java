package io.gpux.registry;

import java.util.List;

/** A registry capability: finding models by text and filters, for {@code gpux search}. */
public interface Searchable {
  /**
   * Models matching {@code query}, best first. Filters the registry cannot apply on its side are
   * applied by the caller on the returned summaries.
   */
  List<ModelSummary> search(SearchQuery query);

  /**
   * Whether a search that names no registry ({@code gpux search TEXT}) asks this one: it can be
   * searched with what is configured now (the public Hub, a shipped catalogue, a project set in the
   * environment). A registry that needs more (a host to list, an organization) says no and is
   * searched only when named.
   */
  default boolean searchedByDefault() {
    return true;
  }
}
