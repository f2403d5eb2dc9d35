package io.gpux.onnx;

import java.nio.ByteBuffer;

/**
 * A tensor read from a serialized {@code TensorProto} ({@link TensorProtoReader}).
 *
 * @param name the tensor's {@code name}, or empty when the file has none
 * @param type its element type
 * @param dims its shape
 * @param data the elements, row-major, in this machine's byte order (what ONNX Runtime takes); null
 *     for strings
 * @param strings the elements of a string tensor, else null
 */
public record TensorData(
    String name, ElementType type, long[] dims, ByteBuffer data, String[] strings) {}
