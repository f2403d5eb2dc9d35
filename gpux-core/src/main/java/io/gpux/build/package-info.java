/**
 * {@code gpux build}: checks a gpux.yml's declared tensors against the model's ONNX signature,
 * picks the provider, and writes the build record {@code .gpux/build.json}.
 */
package io.gpux.build;
