/**
 * Running a loaded model: JSON or text inputs assembled into tensors, the session run, and outputs
 * labelled from gpux.yml.
 */
package io.gpux.inference;
