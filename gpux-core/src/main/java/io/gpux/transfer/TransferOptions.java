package io.gpux.transfer;

import java.time.Duration;

/**
 * How downloads run.
 *
 * @param parallelFiles files fetched at once
 * @param stallTimeout a download that receives nothing for this long is cut and resumed
 * @param partSize files of at least twice this size are fetched as byte ranges in parallel
 * @param maxParts the most ranges one file is split into
 * @param partsFromLoopback split files served from this machine too. By default they come in one
 *     stream: ranges win bandwidth on links with latency and per-connection limits, and loopback
 *     has neither, so there they only cost CPU (on 2 cores, a 600 MB file took 0.2-0.3 s longer in
 *     8 ranges than in one stream).
 * @param forceToDisk force each verified file to disk as soon as it is complete, while the others
 *     still arrive (the store's own force before its rename is then nearly free)
 */
public record TransferOptions(
    int parallelFiles,
    Duration stallTimeout,
    long partSize,
    int maxParts,
    boolean partsFromLoopback,
    boolean forceToDisk) {

  public static TransferOptions defaults() {
    return new TransferOptions(4, Duration.ofSeconds(30), 64L << 20, 8, false, true);
  }

  public TransferOptions withStallTimeout(Duration d) {
    return new TransferOptions(
        parallelFiles, d, partSize, maxParts, partsFromLoopback, forceToDisk);
  }

  /**
   * Ranged parts from {@code size} bytes a part, at most {@code max} a file (1: never), whatever
   * the host.
   */
  public TransferOptions withParts(long size, int max) {
    return new TransferOptions(parallelFiles, stallTimeout, size, max, true, forceToDisk);
  }

  /** Whether files from this machine are split too (see {@code partsFromLoopback}). */
  public TransferOptions withPartsFromLoopback(boolean split) {
    return new TransferOptions(parallelFiles, stallTimeout, partSize, maxParts, split, forceToDisk);
  }

  /** See {@code forceToDisk}. */
  public TransferOptions withForceToDisk(boolean force) {
    return new TransferOptions(
        parallelFiles, stallTimeout, partSize, maxParts, partsFromLoopback, force);
  }
}
