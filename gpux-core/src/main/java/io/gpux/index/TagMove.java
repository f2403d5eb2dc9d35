package io.gpux.index;

import java.time.Instant;

/**
 * One move of a tag, as kept in the index's history.
 *
 * @param previousVersion where the tag pointed before, or null when it was new
 */
public record TagMove(String tag, String version, String previousVersion, Instant movedAt) {}
