/**
 * The registry plug-in interface. Every registry (Hugging Face, MLflow, W&B, OCI, ...) is a {@link
 * io.gpux.registry.RegistryProvider} found through {@link java.util.ServiceLoader}, so the built-in
 * ones use the same seam a third-party jar would. A registry turns a reference into an exact
 * version and a list of files; the transfer engine fetches them and the store keeps them.
 */
package io.gpux.registry;
