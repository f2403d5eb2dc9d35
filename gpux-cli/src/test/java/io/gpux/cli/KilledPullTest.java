package io.gpux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gpux.testing.RepoFiles;
import io.gpux.testing.Slow;
import io.gpux.testing.hf.FakeHfHub;
import io.gpux.testing.hf.Fault;
import io.gpux.testing.hf.RecordedRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pull whose process is killed halfway leaves no model in the store, and the next pull resumes
 * the partial file instead of fetching its bytes again.
 */
@Slow
class KilledPullTest {
  @TempDir Path home;

  @Test
  void aKilledPullResumesWhereItStopped() throws Exception {
    byte[] weights = new byte[2_000_000];
    new Random(9).nextBytes(weights);
    try (FakeHfHub hub = FakeHfHub.start()) {
      hub.repo("acme/big")
          .lfsFile(
              "model.onnx",
              Files.readAllBytes(RepoFiles.root().resolve("examples/digits/model.onnx")))
          .lfsFile("model.onnx_data", weights)
          .commit("c");
      // The first download sends 700 kB, then hangs: the process is killed while it waits.
      hub.faults().next("model.onnx_data", Fault.stall(700_000, java.time.Duration.ofSeconds(60)));
      Process first =
          CliProcess.start(
              Map.of("GPUX_HOME", home.toString(), "HF_ENDPOINT", hub.url()),
              home.resolve("first.log"),
              "pull",
              "hf:acme/big");
      Path tmp = home.resolve("tmp");
      long deadline = System.currentTimeMillis() + 60_000;
      while (partialBytes(tmp) < 700_000 && System.currentTimeMillis() < deadline) {
        Thread.sleep(50);
      }
      first.destroyForcibly().waitFor();
      assertEquals(700_000, partialBytes(tmp), "the partial download is on disk");
      assertTrue(
          Files.notExists(home.resolve("manifests/hf")) || isEmpty(home.resolve("manifests/hf")),
          "no half model was recorded");

      hub.clearRequests();
      CliResult again =
          CliResult.run(
              home,
              Map.of("GPUX_HOME", home.toString(), "HF_ENDPOINT", hub.url()),
              "pull",
              "hf:acme/big");
      assertEquals(0, again.exitCode(), again.toString());
      List<RecordedRequest> data =
          hub.requests().stream()
              .filter(r -> r.path().startsWith("/cdn/") && r.method().equals("GET"))
              .toList();
      assertTrue(
          data.stream().anyMatch(r -> "bytes=700000-".equals(r.range())),
          "resumed from byte 700000: " + data);
      assertEquals(
          0, CliResult.run(home, Map.of("GPUX_HOME", home.toString()), "verify").exitCode());
    }
  }

  private static long partialBytes(Path tmp) throws Exception {
    return CliProcess.partialBytes(tmp);
  }

  private static boolean isEmpty(Path dir) throws Exception {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.noneMatch(Files::isRegularFile);
    }
  }
}
