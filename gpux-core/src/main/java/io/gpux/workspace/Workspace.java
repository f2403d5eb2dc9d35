package io.gpux.workspace;

import java.time.Instant;
import java.util.Map;

/**
 * One workspace as {@code gpux workspace list} and {@code show} report it.
 *
 * @param current whether this process works in it
 * @param tags how many local names it has
 * @param collections how many collections it has
 * @param versions how many stored versions it pulled
 * @param settings its registry settings ({@link WorkspaceSettings}), by key
 */
public record Workspace(
    String name,
    Instant createdAt,
    boolean current,
    int tags,
    int collections,
    int versions,
    Map<String, String> settings) {
  public Workspace {
    settings = Map.copyOf(settings);
  }

  public boolean empty() {
    return tags == 0 && collections == 0 && versions == 0;
  }
}
