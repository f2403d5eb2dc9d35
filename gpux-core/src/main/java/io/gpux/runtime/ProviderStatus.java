package io.gpux.runtime;

/**
 * A provider as {@code gpux providers} shows it.
 *
 * @param available compiled into the loaded ONNX Runtime (not proof that a device is present: that
 *     shows when a session is created)
 * @param priority its place in this platform's order, from 1; 0 when not in the order
 */
public record ProviderStatus(
    ExecutionProvider provider, boolean available, int priority, String description) {}
