package io.gpux.collection;

import java.time.Instant;
import java.util.List;

/**
 * A collection: its name, description, where it was imported from (null when made here) and its
 * items in the order they were added.
 */
public record ModelCollection(
    String workspace,
    String name,
    String description,
    String source,
    Instant createdAt,
    Instant updatedAt,
    int size,
    List<CollectionItem> items) {
  public ModelCollection {
    items = List.copyOf(items);
  }

  /** The items' references, in order: what a batch over the collection works on. */
  public List<String> references() {
    return items.stream().map(CollectionItem::reference).toList();
  }
}
