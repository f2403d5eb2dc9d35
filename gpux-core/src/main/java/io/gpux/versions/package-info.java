/**
 * Versions of stored models over time: which local names (movable names a model was pulled by: a
 * branch, tag, alias, stage, {@code latest}) still point where their registry's name points ({@code
 * gpux outdated}), moving them forward ({@code gpux update}), pinning them, rolling them back, and
 * their timeline ({@code gpux history}).
 *
 * <p>A local name is a tag in the store's index; every move is kept in the tag's history with why
 * it happened. An exact version (a commit sha, an MLflow version number, a W&amp;B {@code vN})
 * never moves. The registry is asked through its {@link io.gpux.registry.Tracking} capability,
 * metadata only; bytes move only in an update, and then only files whose digest the store lacks.
 */
package io.gpux.versions;
