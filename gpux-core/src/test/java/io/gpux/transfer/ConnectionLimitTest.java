package io.gpux.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gpux.Gpux;
import io.gpux.config.GpuxSettings;
import io.gpux.registry.PullOptions;
import io.gpux.testing.CountingRelay;
import io.gpux.testing.OnnxModels;
import io.gpux.testing.hf.FakeHfHub;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One transfer pipeline per process: however many pulls run at once, the connections to one host
 * stay within the process's per-host limit, counted where the server sees them.
 */
class ConnectionLimitTest {
  private static final int PULLS = 100;
  @TempDir Path home;
  @TempDir Path work;

  @Test
  void aHundredPullsAtOnceShareThePerHostLimit() throws Exception {
    byte[] model = Files.readAllBytes(OnnxModels.addOne(work.resolve("model.onnx")));
    try (FakeHfHub hub = FakeHfHub.start();
        CountingRelay relay = CountingRelay.to(hub.port())) {
      for (int i = 0; i < PULLS; i++) {
        hub.repo("acme/m" + i)
            .file("model.onnx", model)
            .file("config.json", "{\"n\": " + i + "}")
            .commit("initial");
      }
      Map<String, String> env =
          Map.of("GPUX_HOME", home.toString(), "HF_ENDPOINT", "http://127.0.0.1:" + relay.port());
      ExecutorService pool = Executors.newFixedThreadPool(PULLS);
      try (Gpux gpux = Gpux.open(work, GpuxSettings.fromEnvironment(env, home))) {
        List<Future<?>> pulls = new ArrayList<>();
        for (int i = 0; i < PULLS; i++) {
          String ref = "hf:acme/m" + i;
          pulls.add(
              pool.submit(
                  () -> gpux.models().pull(ref, PullOptions.defaults(), TransferListener.NONE)));
        }
        for (Future<?> f : pulls) {
          f.get();
        }
        assertEquals(PULLS, io.gpux.GpuxInternals.store(gpux).list().size());
      } finally {
        pool.shutdownNow();
      }
      // Three requests a pull (model info, two files): 300 requests, over a few connections.
      assertTrue(
          relay.mostAtOnce() <= HttpTransport.PER_HOST_CONNECTIONS,
          "connections open at once: "
              + relay.mostAtOnce()
              + " (limit "
              + HttpTransport.PER_HOST_CONNECTIONS
              + "), "
              + relay.total()
              + " in all");
    }
  }
}
