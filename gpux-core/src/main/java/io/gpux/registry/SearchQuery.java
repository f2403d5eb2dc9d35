package io.gpux.registry;

import java.util.List;

/** A model search: free text plus filters, as registries support them. */
public record SearchQuery(
    String text, String author, String task, List<String> tags, String sort, int limit) {}
