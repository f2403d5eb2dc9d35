/**
 * Collections: named lists of model references from any registry, kept in the index per workspace.
 * An item pins the exact version it named when added, unless it was added to follow a movable name
 * ({@code --follow}), which {@code gpux outdated} and {@code update} then track. The service is
 * {@link io.gpux.ModelCollections} ({@code gpux.collections()}); this package holds what a
 * collection and an item are.
 */
package io.gpux.collection;
