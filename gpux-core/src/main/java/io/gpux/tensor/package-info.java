/**
 * Tensors in direct native-order buffers, and JSON to tensor conversion with dtype, range and shape
 * checks that name the input and position.
 */
package io.gpux.tensor;
