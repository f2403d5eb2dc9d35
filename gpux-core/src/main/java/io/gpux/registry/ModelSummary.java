package io.gpux.registry;

import java.time.Instant;
import java.util.List;

/** A search hit. */
public record ModelSummary(
    String registry,
    String name,
    String task,
    List<String> tags,
    long downloads,
    long likes,
    Instant updated) {}
