/**
 * GPUX projects: the gpux.yml schema, its parser (line-numbered errors, suggestions for unknown
 * fields) and writer, finding a project from what a user types, and generating a gpux.yml from an
 * ONNX signature for pulled models that have none.
 */
package io.gpux.project;
