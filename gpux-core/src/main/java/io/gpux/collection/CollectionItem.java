package io.gpux.collection;

import java.time.Instant;

/**
 * One model of a collection.
 *
 * @param reference what the collection keeps: the exact reference ({@code hf:org/name@<commit>})
 *     when pinned, the movable one ({@code hf:org/name@main}) when it follows
 * @param registry the model's registry
 * @param name the model's name in it
 * @param version the exact version when pinned, else null
 * @param follow whether the item follows a movable name
 * @param requested the reference as it was added
 * @param note a note, or null
 */
public record CollectionItem(
    String reference,
    String registry,
    String name,
    String version,
    boolean follow,
    String requested,
    String note,
    Instant addedAt) {}
