/**
 * Workspaces: separate sets of stored versions (manifests), local names (tags), pins, tag history,
 * collections and registry settings over one store, whose blobs they share. The service is {@link
 * io.gpux.Workspaces} ({@code gpux.workspaces()}); the rows live in the index ({@link
 * io.gpux.index.WorkspaceTables}). This package holds what a workspace is, the names GPUX accepts
 * for workspaces and collections, and the registry settings a workspace may set.
 */
package io.gpux.workspace;
