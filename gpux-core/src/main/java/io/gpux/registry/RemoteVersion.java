package io.gpux.registry;

import java.time.Instant;
import java.util.List;

/** One version of a model in a registry, with the tags or aliases that point at it. */
public record RemoteVersion(
    String version, List<String> tags, Instant created, String description) {}
