package io.gpux.versions;

import java.time.Instant;

/**
 * One event of a model's local timeline.
 *
 * @param localName the movable name it concerns, or null for a pull by exact version
 * @param action {@code pulled}, {@code updated}, {@code rolled back}, {@code pinned}, {@code
 *     unpinned}
 * @param version the exact version the name pointed to after the event
 * @param previous where it pointed before, or null when it was new
 */
public record HistoryEntry(
    String registry,
    String name,
    String localName,
    String action,
    String version,
    String previous,
    Instant at) {}
