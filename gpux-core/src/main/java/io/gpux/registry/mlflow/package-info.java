/**
 * The MLflow Model Registry plug-in: a small native client on MLflow's REST API (the official Java
 * client shells out to Python for artifacts and knows no aliases). References resolve the way the
 * Python client resolves {@code models:/} URIs; files come through the server's mlflow-artifacts
 * proxy; the source run becomes the stored version's lineage.
 */
package io.gpux.registry.mlflow;
