package io.gpux.index;

import java.time.Instant;

/**
 * One event of a local name, as kept in the index's history: a move, or a pin or unpin where it
 * stayed.
 *
 * @param previousVersion where the tag pointed before, or null when it was new
 * @param action why: one of {@link TagTables#PULLED}, {@link TagTables#UPDATED}, {@link
 *     TagTables#ROLLED_BACK}, {@link TagTables#PINNED}, {@link TagTables#UNPINNED}
 */
public record TagMove(
    String tag, String version, String previousVersion, Instant movedAt, String action) {}
