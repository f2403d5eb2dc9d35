package io.gpux.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Every transfer-engine test again, with the bodies read straight from a socket ({@link
 * SocketFetch}, what large files use): a 12.5 KB threshold instead of 16 MB, and no ranged parts.
 */
class SocketTransferEngineTest extends TransferEngineTest {
  @Override
  TransferOptions options() {
    return TransferOptions.defaults().withParts(50_000, 1);
  }

  @Test
  void theBodyCameStraightFromASocket() {
    fetch(lfs());
    assertTrue(
        hub.requests().stream()
            .allMatch(
                r -> "close".equals(r.header("Connection")) && r.header("User-Agent") != null),
        "one request a connection, as SocketFetch sends: " + hub.requests());
    assertEquals(2, hub.requests().size(), "the resolve URL and the redirect it gave");
  }
}
