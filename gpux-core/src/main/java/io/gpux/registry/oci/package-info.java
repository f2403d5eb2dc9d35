/**
 * OCI registries (the CNCF distribution spec: Harbor, GHCR, ECR, ACR, Artifactory, Quay, Debian's
 * docker-registry): {@code oci://HOST[:PORT]/REPO[/...][:TAG]} and {@code
 * oci://HOST[:PORT]/REPO@sha256:DIGEST}.
 *
 * <p>A tag resolves to a manifest digest, which is the stored version; an image index is resolved
 * to one manifest by its artifact type or platform. Layouts read: CNCF ModelPack artifacts (files
 * by {@code org.cncf.model.filepath}, tar layers unpacked), ORAS artifacts (files by {@code
 * org.opencontainers.image.title}), KServe modelcar images (the files under {@code /models} of the
 * image's layers, whiteouts applied); Docker Model Runner and Ollama artifacts hold GGUF and are
 * refused by name. Every blob's OCI digest is its store digest, verified before the store takes it.
 *
 * <p>Auth: anonymous, Basic, and the Bearer token flow of the {@code WWW-Authenticate} challenge,
 * its token renewed when a 401 says it expired (also mid-download, through {@link
 * io.gpux.transfer.CredentialRenewal}). Credentials come from {@code GPUX_OCI_USERNAME} / {@code
 * GPUX_OCI_PASSWORD} (or {@code GPUX_OCI_TOKEN}), {@code gpux login oci://HOST}, and Docker's
 * {@code config.json} ({@code auths}, {@code credHelpers}, {@code credsStore}); they go to the
 * registry's host and its token realm only. Plain HTTP is used for loopback hosts and those in
 * {@code GPUX_INSECURE_REGISTRIES}.
 */
package io.gpux.registry.oci;
