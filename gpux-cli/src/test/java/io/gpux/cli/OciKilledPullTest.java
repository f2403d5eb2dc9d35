package io.gpux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gpux.testing.CountingRelay;
import io.gpux.testing.OnnxModels;
import io.gpux.testing.Slow;
import io.gpux.testing.oci.DockerRegistry;
import io.gpux.testing.oci.OciArtifacts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An OCI pull whose process is killed halfway through a layer leaves no model, and the next pull
 * resumes the layer with a Range request to docker-registry instead of fetching it again.
 */
@Slow
class OciKilledPullTest {
  @TempDir Path home;
  @TempDir Path work;

  @Test
  void aKilledPullResumesTheLayerWhereItStopped() throws Exception {
    assumeTrue(DockerRegistry.available(), "docker-registry is not installed");
    byte[] weights = new byte[2_000_000];
    new Random(5).nextBytes(weights);
    try (DockerRegistry registry = DockerRegistry.anonymous(work.resolve("reg"));
        CountingRelay relay = CountingRelay.to(registry.port())) {
      Map<String, byte[]> files = new LinkedHashMap<>();
      files.put("model.onnx", Files.readAllBytes(OnnxModels.addOne(work.resolve("model.onnx"))));
      files.put("model.onnx_data", weights);
      new OciArtifacts(registry.host(), null).modelPack("acme/big", "v1", files, "onnx");
      String ref = "oci://127.0.0.1:" + relay.port() + "/acme/big:v1";
      // The registry's answers stop after 700 kB: the process is killed while it waits.
      relay.holdAfter(700_000);
      ProcessBuilder pb =
          new ProcessBuilder(
              Path.of(System.getProperty("java.home"), "bin", "java").toString(),
              "-cp",
              System.getProperty("java.class.path"),
              "io.gpux.cli.Main",
              "pull",
              ref);
      pb.environment().put("GPUX_HOME", home.toString());
      pb.environment().put("DOCKER_CONFIG", work.resolve("none").toString());
      pb.redirectErrorStream(true).redirectOutput(home.resolve("first.log").toFile());
      Process first = pb.start();
      long deadline = System.currentTimeMillis() + 60_000;
      while (partialBytes(home.resolve("tmp")) < 600_000 && System.currentTimeMillis() < deadline) {
        Thread.sleep(50);
      }
      first.destroyForcibly().waitFor();
      long partial = partialBytes(home.resolve("tmp"));
      assertTrue(partial >= 600_000, "the partial layer is on disk: " + partial);
      assertTrue(Files.notExists(home.resolve("manifests/oci")), "no half model was recorded");

      relay.release();
      long before = relay.downstream();
      CliResult again =
          CliResult.run(
              work,
              Map.of(
                  "GPUX_HOME", home.toString(), "DOCKER_CONFIG", work.resolve("none").toString()),
              "pull",
              ref);
      assertEquals(0, again.exitCode(), again.toString());
      long fetched = relay.downstream() - before;
      assertTrue(
          fetched < weights.length - partial + 200_000,
          "the layer resumed from its " + partial + " bytes on disk; fetched " + fetched);
      assertEquals(
          0, CliResult.run(work, Map.of("GPUX_HOME", home.toString()), "verify").exitCode());
    }
  }

  private static long partialBytes(Path tmp) throws Exception {
    if (!Files.isDirectory(tmp)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(tmp)) {
      return files
          .filter(p -> p.toString().endsWith(".partial"))
          .mapToLong(p -> p.toFile().length())
          .max()
          .orElse(0);
    }
  }
}
