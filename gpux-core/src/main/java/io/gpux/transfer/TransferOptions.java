package io.gpux.transfer;

import java.time.Duration;

/**
 * How downloads run.
 *
 * @param parallelFiles files fetched at once
 * @param perHostConnections connections to one host at once (registries rate-limit per client)
 * @param stallTimeout a download that receives nothing for this long is cut and resumed
 * @param partSize files of at least twice this size are fetched as byte ranges in parallel
 * @param maxParts the most ranges one file is split into
 */
public record TransferOptions(
    int parallelFiles, int perHostConnections, Duration stallTimeout, long partSize, int maxParts) {

  public static TransferOptions defaults() {
    return new TransferOptions(4, 8, Duration.ofSeconds(30), 64L << 20, 8);
  }

  public TransferOptions withStallTimeout(Duration d) {
    return new TransferOptions(parallelFiles, perHostConnections, d, partSize, maxParts);
  }

  /** Ranged parts from {@code size} bytes a part, at most {@code max} a file (1: never). */
  public TransferOptions withParts(long size, int max) {
    return new TransferOptions(parallelFiles, perHostConnections, stallTimeout, size, max);
  }
}
