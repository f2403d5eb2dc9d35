package io.gpux.registry;

import java.nio.file.Path;

/**
 * What to push: every file under {@code directory} (a model folder or a project) as a new version
 * of {@code target}, optionally pointing {@code alias} at it.
 */
public record PushRequest(io.gpux.ref.ModelRef target, Path directory, String alias) {}
