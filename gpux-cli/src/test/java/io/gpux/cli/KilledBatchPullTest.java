package io.gpux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gpux.digest.Sha256;
import io.gpux.testing.OnnxModels;
import io.gpux.testing.Slow;
import io.gpux.testing.hf.FakeHfHub;
import io.gpux.testing.hf.Fault;
import io.gpux.testing.hf.RecordedRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A batch whose process is killed with {@code kill -9} while one model is half downloaded: run
 * again, it fetches nothing of the models that had finished, resumes the partial file at its byte,
 * and completes.
 */
@Slow
class KilledBatchPullTest {
  @TempDir Path home;

  @Test
  void aKilledBatchRunAgainSkipsFinishedModelsAndResumesThePartialOne() throws Exception {
    byte[] model = Files.readAllBytes(OnnxModels.addOne(home.resolve("src")));
    byte[] big = new byte[2_000_000];
    new Random(5).nextBytes(big);
    try (FakeHfHub hub = FakeHfHub.start()) {
      List<String> refs = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        byte[] weights = new byte[20_000];
        new Random(i).nextBytes(weights);
        hub.repo("acme/m" + i)
            .file("model.onnx", model)
            .lfsFile("model.onnx_data", weights)
            .commit("c");
        refs.add("hf:acme/m" + i);
      }
      hub.repo("acme/big").file("model.onnx", model).lfsFile("model.onnx_data", big).commit("c");
      refs.add(5, "hf:acme/big");
      Files.writeString(home.resolve("models.txt"), String.join("\n", refs) + "\n");
      // The big file sends 700 kB, then hangs for longer than any test runs: the batch is killed
      // at that known point, once the others are done, not at a moment raced for.
      String bigSha = Sha256.hex(big);
      hub.faults().next(bigSha, Fault.stall(700_000, java.time.Duration.ofMinutes(30)));
      Map<String, String> env = Map.of("GPUX_HOME", home.toString(), "HF_ENDPOINT", hub.url());
      Process first =
          CliProcess.start(
              env,
              home.resolve("first.log"),
              "batch",
              "pull",
              "-f",
              home.resolve("models.txt").toString(),
              "--jobs",
              "3");
      long deadline = System.currentTimeMillis() + 300_000;
      while ((CliProcess.partialBytes(home.resolve("tmp")) < 700_000 || manifests() < 10)
          && first.isAlive()
          && System.currentTimeMillis() < deadline) {
        Thread.sleep(50);
      }
      assertTrue(
          first.isAlive(),
          "held at the stalled file: " + Files.readString(home.resolve("first.log")));
      first.destroyForcibly().waitFor();
      assertEquals(
          700_000,
          CliProcess.partialBytes(home.resolve("tmp")),
          "the partial download is on disk: " + Files.readString(home.resolve("first.log")));
      assertEquals(10, manifests(), "the ten small models were committed, the big one was not");

      hub.clearRequests();
      CliResult again = CliResult.run(home, env, "batch", "pull", "-f", "models.txt", "--json");
      assertEquals(0, again.exitCode(), again.toString());
      assertTrue(
          again.out().contains("\"summary\":{\"pulled\":1,\"current\":10,\"failed\":0"),
          again.out());
      List<RecordedRequest> files =
          hub.requests().stream()
              .filter(
                  r -> r.method().equals("GET") && (r.isCdn() || r.path().contains("/resolve/")))
              .toList();
      assertTrue(
          files.stream().allMatch(r -> r.path().contains("acme/big/") || r.path().endsWith(bigSha)),
          "no file of a finished model is fetched again: " + files);
      assertTrue(
          files.stream().anyMatch(r -> "bytes=700000-".equals(r.range())),
          "the big file resumed at byte 700000: " + files);
      assertEquals(0, CliResult.run(home, env, "verify").exitCode());
    }
  }

  /** Committed versions: one manifest file each. */
  private long manifests() throws Exception {
    Path dir = home.resolve("manifests");
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).filter(p -> p.toString().endsWith(".json")).count();
    }
  }
}
