/**
 * The index database: what is searched and aggregated across the store (models, versions, their
 * files by digest, tags and their history; later lineage, collections, workspaces and monitoring
 * history). {@link io.gpux.index.IndexDatabase} holds the connection, applies the numbered
 * migrations ({@code V<n>__*.sql} beside {@link io.gpux.index.Migrations}) and runs transactions;
 * one class per group of tables reads and writes them. The SQL is the subset SQLite and PostgreSQL
 * share: the index is an SQLite file by default and a team-shared PostgreSQL database with {@code
 * GPUX_INDEX_URL} ({@link io.gpux.index.PostgresUrl}); what differs between them is isolated in
 * {@link io.gpux.index.Dialect}. This package knows nothing of manifests or blobs: the store maps
 * its manifests onto {@link io.gpux.index.VersionRow}s.
 */
package io.gpux.index;
