/**
 * ONNX Runtime: execution providers in priority order with fallback, sessions and their options,
 * and tensors handed to ONNX Runtime without copies.
 */
package io.gpux.runtime;
