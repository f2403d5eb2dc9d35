package io.gpux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gpux.testing.hf.FakeHfHub;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A registry that never answers costs its own timeout, not the other registries' answers. */
class SearchTimeoutTest {
  @TempDir Path home;
  @TempDir Path cwd;

  @Test
  void aSilentRegistryTimesOutAndTheOthersAreShown() throws Exception {
    try (FakeHfHub hub = FakeHfHub.start();
        // Accepts connections (the backlog) and never answers: a registry that hangs.
        ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      hub.repo("acme/review-sentiment").file("model.onnx", "x").commit("initial");
      CliResult r =
          CliResult.run(
              cwd,
              Map.of(
                  "GPUX_HOME", home.toString(),
                  "HOME", cwd.toString(),
                  "HF_ENDPOINT", hub.url(),
                  "KAGGLE_API_ENDPOINT", "http://127.0.0.1:" + silent.getLocalPort(),
                  "GPUX_SEARCH_TIMEOUT", "1"),
              "search",
              "review");
      assertEquals(0, r.exitCode(), r.toString());
      assertTrue(r.out().contains("hf:acme/review-sentiment"), r.out());
      assertTrue(
          r.err().contains("gpux: warning: kaggle did not answer: no answer within 1 s"), r.err());
    }
  }
}
