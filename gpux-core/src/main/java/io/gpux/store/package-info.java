/**
 * The local model store under {@code GPUX_HOME} (default {@code ~/.gpux}).
 *
 * <pre>
 * blobs/sha256/&lt;hex&gt;                       each file once, whichever versions use it
 * manifests/&lt;registry&gt;/&lt;name&gt;/&lt;version&gt;.json   immutable: files -> digests, provenance
 * snapshots/&lt;registry&gt;/&lt;name&gt;/&lt;version&gt;/     the files at their paths (hard links to blobs)
 * tmp/                                      downloads in progress (*.partial), same file system
 * locks/                                    one lock file per model being pulled
 * index.db                                  SQLite index: versions, files, tags, tag history
 * </pre>
 *
 * Invariants: a blob's name is the sha256 of its bytes (callers verify before {@link
 * io.gpux.store.ModelStore#putBlob}); a manifest is written only when all its blobs are present;
 * every write is a temporary file renamed into place. Manifests are the source of truth for
 * versions and the index can be rebuilt from them; tags live in the index. Names and paths are
 * encoded so that no registry name, model name, version or file path can escape the store.
 */
package io.gpux.store;
