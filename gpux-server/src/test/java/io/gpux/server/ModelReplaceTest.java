package io.gpux.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gpux.Gpux;
import io.gpux.runtime.RuntimeOptions;
import io.gpux.testing.OnnxModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link InferenceService#replace}, what {@code gpux serve --follow} does when a local name moves:
 * the old version's requests finish on it before it is freed, and a request that found the old
 * version just before the switch is answered by the new one instead of failing.
 */
class ModelReplaceTest {
  @TempDir Path dir;
  private final Gpux gpux = Gpux.open();
  private final List<ServedModel> freed = new CopyOnWriteArrayList<>();
  private ServedModel v1;
  private ServedModel v2;
  private InferenceService service;

  @BeforeEach
  void load() throws Exception {
    v1 = served("1");
    v2 = served("2");
    service = new InferenceService(List.of(v1), ServerOptions.defaults(), null);
  }

  private ServedModel served(String version) throws Exception {
    Path model = OnnxModels.addOne(Files.createDirectories(dir.resolve(version)));
    return new ServedModel(
        "adder", version, gpux.load(model.toString(), RuntimeOptions.defaults()));
  }

  @AfterEach
  void close() {
    service.close();
    gpux.close();
  }

  @Test
  void aRequestThatFoundTheOldVersionJustBeforeTheSwitchIsAnsweredByTheNewOne() {
    service.replace(v1, v2, freed::add);
    assertEquals(List.of(v1), freed, "nothing ran on v1: freed at once");
    assertEquals("2", service.models.get("adder").version(), "new requests find v2");
    // As if the request had looked "adder" up before the switch and reached infer after it.
    assertEquals("2", service.infer(v1, (m, timing) -> m.version()));
  }

  @Test
  void requestsRunningOnTheOldVersionFinishThereBeforeItIsFreed() throws Exception {
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    CompletableFuture<String> onV1 =
        CompletableFuture.supplyAsync(
            () ->
                service.infer(
                    v1,
                    (m, timing) -> {
                      running.countDown();
                      try {
                        finish.await();
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                      }
                      return m.version();
                    }));
    assertTrue(running.await(60, TimeUnit.SECONDS));
    CompletableFuture<Void> replaced =
        CompletableFuture.runAsync(() -> service.replace(v1, v2, freed::add));
    // Until the running request ends, v1 stays loaded while v2 takes the new requests.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!service.models.get("adder").version().equals("2") && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertEquals("2", service.infer(v2, (m, timing) -> m.version()));
    assertEquals(List.of(), freed, "v1 is not freed under its running request");
    finish.countDown();
    assertEquals("1", onV1.get(60, TimeUnit.SECONDS), "the running request ended on v1");
    replaced.get(60, TimeUnit.SECONDS);
    assertEquals(List.of(v1), freed);
  }
}
