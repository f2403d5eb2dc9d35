package io.gpux.registry;

/** A file a registry makes from the downloaded ones, e.g. a generated gpux.yml. */
public record DerivedFile(String path, byte[] content, String how) {}
