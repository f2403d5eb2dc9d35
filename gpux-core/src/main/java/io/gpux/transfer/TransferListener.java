package io.gpux.transfer;

/**
 * Progress events of a download. Methods are called from download threads: implementations must be
 * fast, thread-safe, must not throw, and must not call back into the engine. Every method does
 * nothing by default, so new events break no listener.
 */
public abstract class TransferListener {
  public static final TransferListener NONE = new TransferListener() {};

  /** A file is about to be fetched; {@code resumedFrom} bytes are already on disk. */
  public void started(String path, long size, long resumedFrom) {}

  /** {@code bytes} more bytes of {@code path} arrived. */
  public void progressed(String path, long bytes) {}

  /** An attempt failed and will be retried after {@code delayMillis}. */
  public void retrying(String path, int attempt, String reason, long delayMillis) {}

  /** The file is complete and verified. */
  public void completed(String path, long size, String sha256) {}

  /** The file was already in the store; nothing was fetched. */
  public void skipped(String path, long size) {}
}
