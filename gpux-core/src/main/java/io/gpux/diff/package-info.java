/**
 * Two stored model versions compared ({@code gpux diff}): files by digest and size, the ONNX
 * signature (inputs and outputs with element types and shapes), operator sets, the model's
 * metadata, the labels of its project, and the quality figures its registry states (MLflow run
 * metrics and parameters, the W&amp;B run summary and config). Reads only the store.
 */
package io.gpux.diff;
