package io.gpux.versions;

import java.time.Instant;

/**
 * A movable name a stored model was pulled by, as the store keeps it.
 *
 * @param tag the name in the store: the registry's name ({@code main}, {@code champion}), with
 *     {@code +<selection>} for a copy pulled with {@code --variant} or {@code --include}
 * @param version the stored version it points to
 * @param reference how a user writes it: {@code hf:org/m@main}, {@code mlflow:fraud@champion}
 */
public record LocalName(
    String registry,
    String name,
    String tag,
    String version,
    boolean pinned,
    Instant updatedAt,
    String reference) {}
