/**
 * Archives whose entries become a model's files: the tar layers of OCI artifacts and container
 * images (plain, gzip, zstd). {@link io.gpux.archive.Overlay} unpacks them one after another as
 * image layers stack, with the store's path rules: no entry may leave the model's folder (no {@code
 * ..}, no absolute path, no link that points out of it), links inside it become copies (the store
 * is content-addressed, so a copy costs nothing), and an archive that unpacks to more than its
 * limits (bytes, entries) is refused before it fills the disk.
 */
package io.gpux.archive;
