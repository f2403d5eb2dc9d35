package io.gpux.versions;

/**
 * What {@code gpux update} did for one local name.
 *
 * @param check the name before the update, as {@code gpux outdated} saw it under the model's lock
 * @param updated whether the local name moved (false: current, pinned, exact, unreachable, or a dry
 *     run)
 * @param filesDownloaded files fetched for the new version (0 in a dry run)
 * @param filesReused files of the new version the store had already, by digest
 * @param bytesDownloaded bytes that came over the network
 */
public record UpdateOutcome(
    ModelCheck check,
    boolean updated,
    int filesDownloaded,
    int filesReused,
    long bytesDownloaded) {}
