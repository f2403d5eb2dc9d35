package io.gpux.onnx;

/**
 * Bytes that are not the protobuf message the parser expects. Checked, so that every parsing path
 * must turn it into a {@link io.gpux.error.GpuxException} that names the file.
 */
final class MalformedProtoException extends Exception {
  MalformedProtoException(String detail) {
    super(detail);
  }
}
