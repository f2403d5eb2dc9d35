/**
 * The Weights &amp; Biases plug-in ({@code wandb:entity/project/artifact[:alias]} and registry
 * collections): GraphQL resolution, manifests with MD5 digests, search and versions.
 */
package io.gpux.registry.wandb;
