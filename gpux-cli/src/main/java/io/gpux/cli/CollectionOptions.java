package io.gpux.cli;

import io.gpux.Gpux;
import java.util.ArrayList;
import java.util.List;

/** {@code --collection NAME} on the commands that take a list of references. */
final class CollectionOptions {
  private CollectionOptions() {}

  /**
   * The references given, then the collection's ({@code followed}: only the items that follow a
   * movable name, the ones {@code outdated} and {@code update} track).
   */
  static List<String> with(Gpux gpux, List<String> references, String name, boolean followed) {
    List<String> out = new ArrayList<>(references);
    out.addAll(followed ? gpux.collections().followed(name) : gpux.collections().references(name));
    return out;
  }
}
