package io.gpux.registry;

/**
 * A pushed version.
 *
 * @param reference the exact reference to pull it back, e.g. {@code mlflow:clf/4}
 * @param source where it lives, as a URL without credentials
 */
public record PushResult(
    String registry,
    String name,
    String version,
    String reference,
    String source,
    int files,
    long bytes) {}
