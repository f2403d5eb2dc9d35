/**
 * A static ONNX Model Zoo mirror for tests: a base URL with {@code ONNX_HUB_MANIFEST.json} and
 * every {@code model_path} under it, the layout {@code onnx.hub} reads and {@code
 * GPUX_ONNX_ZOO_URL} names; plus the zoo's {@code model_with_data} archives built from generated
 * models.
 */
package io.gpux.testing.zoo;
