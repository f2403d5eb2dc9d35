package io.gpux.registry;

import java.util.List;

/**
 * A registry capability: curated lists of models the registry keeps (the Hugging Face Hub's
 * collections), which {@code gpux collection import} copies into a GPUX collection.
 */
public interface CollectionSource {
  /**
   * One of the registry's collections.
   *
   * @param path the collection's path after the registry prefix ({@code collections/OWNER/SLUG})
   */
  RemoteCollection collection(String path);

  /**
   * A registry's collection: its title, description and models (other kinds of item, such as
   * datasets and spaces, are left out).
   */
  record RemoteCollection(String title, String description, List<Item> models) {
    public RemoteCollection {
      models = List.copyOf(models);
    }
  }

  /**
   * One model of a collection.
   *
   * @param reference a reference GPUX can pull ({@code hf:org/name})
   * @param note the collection's note on it, or null
   */
  record Item(String reference, String note) {}
}
