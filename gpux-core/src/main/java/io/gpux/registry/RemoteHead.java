package io.gpux.registry;

import java.util.List;

/**
 * What a movable name points to now ({@link Tracking#head}).
 *
 * @param version the exact version
 * @param files its files with the sizes and digests the registry's metadata gives (a file's {@code
 *     download} may be null: a head is never fetched), or null when the version is the one the
 *     store has and the registry did not list them
 */
public record RemoteHead(String version, List<RemoteFile> files) {
  public RemoteHead {
    files = files == null ? null : List.copyOf(files);
  }
}
