package io.gpux.pull;

import io.gpux.store.VersionManifest;

/**
 * What a pull did.
 *
 * @param alreadyPresent the exact version was in the store already; nothing was downloaded
 * @param bytesDownloaded bytes that came over the network in this pull
 * @param bytesReused bytes of files that were already in the store (shared with other versions)
 */
public record PullResult(
    VersionManifest manifest,
    boolean alreadyPresent,
    int filesDownloaded,
    int filesReused,
    long bytesDownloaded,
    long bytesReused) {}
