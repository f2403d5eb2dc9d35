package io.gpux.lock;

/** One locked file: its path in the model, its size in bytes and its sha256 (lowercase hex). */
public record LockedFile(String path, long size, String sha256) {}
