/**
 * Lockfiles ({@code gpux.lock}): each model's registry, movable name, exact version and every
 * registry file's path, size and sha256, written deterministically (sorted, no timestamps) so a
 * lockfile is byte-identical across runs and diffs line by line; and the restore ({@code gpux
 * sync}) that brings exactly those bytes into the store, fetching only what it lacks.
 *
 * <p>Invariants: a lockfile names only what a registry served (files GPUX derives, such as a
 * generated gpux.yml, are made again from the locked ones); a restore checks every model against
 * the store and the registry before it changes anything, and the pull's guard refuses bytes that
 * are not the locked ones before the store takes them.
 */
package io.gpux.lock;
