package io.gpux.transfer;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes a response body straight from the HTTP client's buffers into a file channel, hashing the
 * same buffers on the way: no copy into byte arrays, no blocking hand-over between threads. {@link
 * #abort} (the stall watchdog) cancels the stream.
 */
final class FileBodySubscriber implements HttpResponse.BodySubscriber<Long> {
  /** A failure writing the local file, as opposed to the network failing. */
  static final class LocalWriteException extends IOException {
    private static final long serialVersionUID = 1L;

    LocalWriteException(IOException cause) {
      super(cause.getMessage(), cause);
    }
  }

  /**
   * A body longer than the registry said the file (or the range) is. Nothing past that length is
   * written: a server that streams without end cannot fill the disk.
   */
  static final class BodyTooLong extends IOException {
    private static final long serialVersionUID = 1L;
    final long limit;
    final long announced;

    BodyTooLong(long limit, long announced) {
      super("the body is longer than the " + limit + " bytes expected", null);
      this.limit = limit;
      this.announced = announced;
    }
  }

  /** The {@link BodyTooLong} behind an exception from a transfer, or null. */
  static BodyTooLong tooLong(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof BodyTooLong b) {
        return b;
      }
    }
    return null;
  }

  /**
   * The local write failure behind an exception from a transfer, or null when the network failed.
   */
  static IOException localWriteFailure(IOException e) {
    if (e instanceof LocalWriteException w) {
      return (IOException) w.getCause();
    }
    if (e.getCause() instanceof LocalWriteException w) {
      return (IOException) w.getCause();
    }
    return null;
  }

  private final FileChannel channel;
  private final MessageDigest sha256;
  private final MessageDigest extra;
  private final TransferListener listener;
  private final String path;
  private final AtomicLong lastProgress;
  private final CompletableFuture<Long> result = new CompletableFuture<>();
  private volatile Flow.Subscription subscription;
  private long received;
  private long position = -1;
  private long limit = -1;

  FileBodySubscriber(
      FileChannel channel,
      MessageDigest sha256,
      MessageDigest extra,
      TransferListener listener,
      String path,
      AtomicLong lastProgress) {
    this.channel = channel;
    this.sha256 = sha256;
    this.extra = extra;
    this.listener = listener;
    this.path = path;
    this.lastProgress = lastProgress;
  }

  /**
   * Writes at {@code start} and on from there (a byte range of a file fetched in parts, sharing the
   * channel with the other parts) instead of at the channel's own position.
   */
  FileBodySubscriber at(long start) {
    position = start;
    return this;
  }

  /**
   * Writes at most {@code bytes}; a body that goes on is cut there and fails with {@link
   * BodyTooLong}. A negative value: no limit (the registry did not say the size).
   */
  FileBodySubscriber limit(long bytes) {
    limit = bytes;
    return this;
  }

  long limit() {
    return limit;
  }

  /** Closes the file; safe to call more than once. */
  void close() {
    try {
      channel.close();
    } catch (IOException ignored) {
      // Nothing was lost: the bytes written are on disk or the download is retried.
    }
  }

  long received() {
    return received;
  }

  void abort(IOException why) {
    if (result.completeExceptionally(why)) {
      Flow.Subscription s = subscription;
      if (s != null) {
        s.cancel();
      }
    }
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscription = s;
    if (result.isDone()) {
      s.cancel(); // refused before the first byte (a Content-Length over the limit)
      return;
    }
    s.request(1);
  }

  @Override
  public void onNext(List<ByteBuffer> buffers) {
    if (result.isDone()) {
      return;
    }
    long n = 0;
    boolean over = false;
    try {
      for (ByteBuffer b : buffers) {
        if (limit >= 0 && received + n + b.remaining() > limit) {
          b.limit(b.position() + (int) (limit - received - n));
          over = true;
        }
        if (sha256 != null) {
          sha256.update(b.duplicate());
        }
        if (extra != null) {
          extra.update(b.duplicate());
        }
        n += b.remaining();
        while (b.hasRemaining()) {
          if (position < 0) {
            channel.write(b);
          } else {
            position += channel.write(b, position);
          }
        }
        if (over) {
          break;
        }
      }
    } catch (IOException e) {
      abort(new LocalWriteException(e));
      return;
    }
    received += n;
    lastProgress.set(System.nanoTime());
    listener.progressed(path, n);
    if (over) {
      abort(new BodyTooLong(limit, -1));
      return;
    }
    subscription.request(1);
  }

  @Override
  public void onError(Throwable t) {
    result.completeExceptionally(t);
  }

  @Override
  public void onComplete() {
    result.complete(received);
  }

  @Override
  public CompletionStage<Long> getBody() {
    return result;
  }
}
