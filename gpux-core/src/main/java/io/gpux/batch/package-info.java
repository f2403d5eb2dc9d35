/**
 * Many models at once: the list a batch works on ({@link io.gpux.batch.ModelList}: references from
 * arguments, a file, standard input or a lockfile, each with the line it came from), the slice of
 * it one machine takes ({@link io.gpux.batch.Shard}), and the batch operations over it.
 *
 * <p>Invariants: a list holds each parsed reference once, in the order first seen; a malformed line
 * is never silently dropped (the caller refuses the list or skips it knowingly); shards are
 * deterministic, disjoint and together cover the whole list, with no coordinator.
 */
package io.gpux.batch;
