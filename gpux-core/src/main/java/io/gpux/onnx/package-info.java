/**
 * Reading ONNX model files without ONNX Runtime: the protobuf wire format read from a memory-mapped
 * file, weights skipped, so inspect is fast and says why a file is not a model.
 */
package io.gpux.onnx;
