package io.gpux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.gpux.testing.RepoFiles;
import io.gpux.testing.Slow;
import io.gpux.testing.hf.FakeHfHub;
import io.gpux.testing.hf.Fault;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pull into a store on a small tmpfs: refused up front when it cannot fit, and when the disk
 * fills up during the transfer, a clear error, no half model, a store that verifies clean, and a
 * later pull that resumes. Needs mount(8) (root, as in CI); skipped where it cannot mount.
 */
@Slow
class DiskFullTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final int WEIGHTS = 6 << 20;
  @TempDir Path mountPoint;
  @TempDir Path cwd;
  private Path home;
  private FakeHfHub hub;
  private final Map<String, String> env = new HashMap<>();

  private void mount(int megabytes) throws Exception {
    Process p =
        new ProcessBuilder(
                "mount",
                "-t",
                "tmpfs",
                "-o",
                "size=" + megabytes + "m",
                "tmpfs",
                mountPoint.toString())
            .redirectErrorStream(true)
            .start();
    boolean mounted = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    Assumptions.assumeTrue(mounted, "cannot mount a tmpfs here (needs root)");
    home = mountPoint.resolve("gpux");
    env.put("GPUX_HOME", home.toString());
  }

  @BeforeEach
  void start() throws Exception {
    byte[] weights = new byte[WEIGHTS];
    new Random(7).nextBytes(weights);
    hub = FakeHfHub.start();
    hub.repo("acme/big")
        .lfsFile(
            "onnx/model.onnx",
            Files.readAllBytes(RepoFiles.root().resolve("examples/digits/model.onnx")))
        .lfsFile("weights.bin", weights)
        .commit("initial");
    env.put("HF_ENDPOINT", hub.url());
  }

  @AfterEach
  void stop() throws Exception {
    hub.close();
    if (home != null) {
      new ProcessBuilder("umount", "-l", mountPoint.toString())
          .start()
          .waitFor(30, TimeUnit.SECONDS);
    }
  }

  private CliResult gpux(String... args) {
    return CliResult.run(cwd, env, args);
  }

  @Test
  void aPullThatCannotFitIsRefusedBeforeDownloading() throws Exception {
    mount(4);
    CliResult pull = gpux("pull", "hf:acme/big", "--include", "*.bin");
    assertEquals(3, pull.exitCode(), pull.toString());
    assertTrue(pull.err().contains("not enough disk space"), pull.toString());
    assertTrue(pull.err().contains("gpux prune"), "the error says what to do: " + pull);
    assertFalse(pull.err().contains("Exception"), "no stack trace: " + pull);
    assertTrue(
        hub.requests().stream().noneMatch(r -> r.path().endsWith("weights.bin")),
        "nothing was fetched");
  }

  @Test
  void aDiskThatFillsUpMidPullLeavesNoHalfModelAndThePullResumes() throws Exception {
    mount(8);
    // The first fetch of the weights gets 503 + Retry-After: 3 s (ample, even on a loaded
    // machine, for the 4 MB write below); meanwhile another writer fills the disk, so the retry
    // runs out of space halfway through.
    hub.faults().next("weights.bin", Fault.status(503, Duration.ofSeconds(3)));
    Path filler = mountPoint.resolve("filler");
    CompletableFuture<CliResult> pulling =
        CompletableFuture.supplyAsync(() -> gpux("pull", "hf:acme/big", "--include", "*.bin"));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (hub.requests().stream().noneMatch(r -> r.path().endsWith("weights.bin"))
        && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    Files.write(filler, new byte[4 << 20]);
    CliResult pull = pulling.get(60, TimeUnit.SECONDS);
    assertEquals(3, pull.exitCode(), pull.toString());
    assertTrue(pull.err().contains("the disk is full"), pull.toString());
    assertTrue(pull.err().contains("gpux prune"), pull.toString());
    assertFalse(pull.err().contains("Exception"), "no stack trace: " + pull);
    assertTrue(
        MAPPER.readTree(gpux("list", "--json").out()).isEmpty(), "no half model in the store");
    assertEquals(0, gpux("verify").exitCode());

    Files.delete(filler);
    hub.clearRequests();
    CliResult again = gpux("pull", "hf:acme/big", "--include", "*.bin");
    assertEquals(0, again.exitCode(), again.toString());
    assertTrue(
        hub.requests().stream()
            .anyMatch(r -> r.path().endsWith("weights.bin") && r.range() != null),
        "the second pull resumes the partial file: " + hub.requests());
    assertEquals(1, MAPPER.readTree(gpux("list", "--json").out()).size());
    assertEquals(0, gpux("verify").exitCode());
  }
}
