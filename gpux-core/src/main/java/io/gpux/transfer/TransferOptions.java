package io.gpux.transfer;

import java.time.Duration;

/**
 * How downloads run.
 *
 * @param parallelFiles files fetched at once
 * @param perHostConnections connections to one host at once (registries rate-limit per client)
 * @param stallTimeout a download that receives nothing for this long is cut and resumed
 */
public record TransferOptions(int parallelFiles, int perHostConnections, Duration stallTimeout) {

  public static TransferOptions defaults() {
    return new TransferOptions(4, 4, Duration.ofSeconds(30));
  }

  public TransferOptions withStallTimeout(Duration d) {
    return new TransferOptions(parallelFiles, perHostConnections, d);
  }
}
