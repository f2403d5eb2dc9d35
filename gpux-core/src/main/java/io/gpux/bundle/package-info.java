/**
 * Air-gapped bundles: {@code gpux export} writes stored models into one OCI image layout archive
 * ({@code oci-layout}, {@code index.json} with an {@code org.opencontainers.image.ref.name} per
 * model, {@code blobs/sha256/...}), each model a ModelPack artifact whose annotations carry its
 * GPUX identity (registry, name, version, the name it was pulled by) and lineage; {@code gpux
 * import} verifies every blob against its digest and loads the models into the store without a
 * socket. A bundle is a standard layout, so {@code skopeo copy oci-archive:FILE.tar:NAME
 * docker://...} puts an entry into a registry as {@code gpux push} would have.
 */
package io.gpux.bundle;
