/**
 * The local model store under {@code GPUX_HOME} (default {@code ~/.gpux}).
 *
 * <pre>
 * blobs/sha256/&lt;hex&gt;                       each file once, whichever versions use it
 * manifests/&lt;reg&gt;/&lt;name&gt;/@&lt;version&gt;.json  immutable: files -&gt; digests
 * snapshots/&lt;reg&gt;/&lt;name&gt;/@&lt;version&gt;/     the files at their paths (hard links)
 * workspaces/&lt;ws&gt;/manifests|snapshots/    another workspace's, laid out as above
 * tmp/                                      downloads in progress (*.partial), same file system
 * locks/&lt;sha256 of key&gt;.lock               inter-process locks (one per model being pulled)
 * index.db                                  SQLite index: models, versions, files, tags
 * </pre>
 *
 * Names are percent-encoded per segment ({@code /} in a model name nests folders), and versions
 * start with {@code @}, which an encoded name never does; so no registry name, model name, version
 * or file path can escape the store or land in another model's folder.
 *
 * <p>Versions belong to a workspace ({@code StoreLayout} says why the default one keeps the folders
 * every older store had): a store opened in workspace W sees W's manifests only, and blobs are
 * shared by all. Prune, and a rebuild of the index, see every workspace.
 *
 * <p>Invariants:
 *
 * <ul>
 *   <li>A blob's name is the sha256 of its bytes; callers verify before {@link
 *       io.gpux.store.ModelStore#putBlob}, and {@code verify} re-hashes.
 *   <li>A manifest is written only when all its blobs are present, and never changes afterwards.
 *   <li>Every write is a temporary file forced to disk and renamed into place; a crash leaves the
 *       old state or the new one.
 *   <li>Manifests are the source of truth for versions; the index can be rebuilt from them (tags
 *       live only in the index, and a rebuild after a loss recovers each pull's own tag).
 *   <li>What prune keeps is decided from the manifests on disk, under the same lock that commit
 *       takes, and only blobs older than the grace period go.
 * </ul>
 */
package io.gpux.store;
