package io.gpux.batch;

/**
 * Events of a batch, for a progress view. Called from the batch's threads: implementations must be
 * fast, thread-safe, must not throw and must not call back into the batch. Every method does
 * nothing by default, so new events break no listener.
 */
public abstract class BatchListener {
  public static final BatchListener NONE = new BatchListener() {};

  /**
   * A model's files start to come in (its metadata is known).
   *
   * @param bytes what the model's files add up to, as the registry lists them (-1 when it does not
   *     say); files the store has count too, and are reported as {@link #progressed} at once
   */
  public void started(ModelList.Entry model, long bytes) {}

  /** {@code bytes} more bytes of {@code model} arrived (or were found in the store). */
  public void progressed(ModelList.Entry model, long bytes) {}

  /** A file of {@code model} failed for a moment and is tried again. */
  public void retrying(ModelList.Entry model, String path, String reason) {}

  /** {@code model} is in the store: pulled, or already current. */
  public void finished(ModelOutcome outcome) {}

  /** {@code model} failed (the rest of the batch goes on, unless it fails fast). */
  public void failed(ModelOutcome outcome) {}
}
