/**
 * Lineage of a stored model version, read from its manifest: the registry and server, the movable
 * name and exact version, each file's digest and size (and how GPUX derived the ones it made), the
 * run that produced it (MLflow, W&amp;B) with its parameters and metrics, and when and by which
 * GPUX it was pulled; and the same as a CycloneDX 1.6 ML-BOM, written with the official CycloneDX
 * model classes.
 *
 * <p>Invariant: nothing here carries credentials. Registries never record them, and every URL is
 * stripped of user information and query before it leaves this package.
 */
package io.gpux.lineage;
