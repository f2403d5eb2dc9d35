/**
 * The registry plug-in interface. Every registry (Hugging Face, MLflow, W&B, OCI, and later ONNX
 * Model Zoo, Kaggle, PyTorch Hub) is a {@link io.gpux.registry.RegistryProvider} found through
 * {@link java.util.ServiceLoader}, so the built-in ones use the same seam a third-party jar would.
 * A provider declares its prefixes and {@link io.gpux.ref.ReferenceGrammar}; its {@link
 * io.gpux.registry.Registry} turns a reference into an exact version and a list of files (the
 * transfer engine fetches them and the store keeps them), and implements the capabilities it has:
 * {@link io.gpux.registry.Searchable}, {@link io.gpux.registry.Versioned}, {@link
 * io.gpux.registry.Pushable}.
 */
package io.gpux.registry;
