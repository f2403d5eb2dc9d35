package io.gpux.registry;

import java.time.Instant;
import java.util.List;

/**
 * One version of a model in a registry, with the tags or aliases that point at it.
 *
 * @param created when the registry made it, or null when it does not say
 * @param size the version's bytes when the registry's listing says, else -1
 */
public record RemoteVersion(
    String version, List<String> tags, Instant created, String description, long size) {

  public RemoteVersion(String version, List<String> tags, Instant created, String description) {
    this(version, tags, created, description, -1);
  }
}
