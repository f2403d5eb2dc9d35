/**
 * Conformance of a model on this machine against expected outputs: ONNX's test-data layout ({@code
 * model.onnx} beside {@code test_data_set_N/input_M.pb, output_M.pb}, TensorProto files), as the
 * ONNX Model Zoo's archives and the {@code onnx} package's backend tests ship it. Every data set
 * runs on the chosen execution provider and each output is compared with its expected tensor: the
 * largest absolute and relative differences, and pass or fail against a tolerance ({@code |actual -
 * expected| <= atol + rtol * |expected|}, numpy's {@code assert_allclose}, which ONNX's backend
 * tests use).
 */
package io.gpux.conformance;
