package io.gpux.server;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * A request body as read by a transport, without copying it into one array: JSON is parsed from
 * {@link #stream}, binary tensors are copied from it straight into their own buffers.
 */
interface RequestBody {
  long length();

  /** The bytes from {@code offset}, {@code length} of them. */
  InputStream stream(long offset, long length);

  /** Fills {@code dst}'s remaining bytes from {@code offset}. */
  void copyTo(long offset, ByteBuffer dst);

  default InputStream stream() {
    return stream(0, length());
  }

  RequestBody EMPTY = of(new byte[0]);

  static RequestBody of(byte[] bytes) {
    return new RequestBody() {
      @Override
      public long length() {
        return bytes.length;
      }

      @Override
      public InputStream stream(long offset, long length) {
        return new ByteArrayInputStream(bytes, (int) offset, (int) length);
      }

      @Override
      public void copyTo(long offset, ByteBuffer dst) {
        dst.put(bytes, (int) offset, dst.remaining());
      }
    };
  }
}
