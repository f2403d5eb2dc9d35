package io.gpux.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gpux.index.Migrations;
import io.gpux.index.TagMove;
import io.gpux.testing.Slow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pulls of one model at once, from threads and from processes, leave one consistent store. */
@Slow
class ConcurrentPullTest {
  private static final int ROUNDS = 10;

  @TempDir Path home;

  @Test
  void threadsPuttingAndCommittingTheSameVersionAllSucceed() throws Exception {
    int threads = 6;
    try (ModelStore store = ModelStore.open(home)) {
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      List<Future<?>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        long who = t;
        results.add(
            pool.submit(
                () -> {
                  StoreWorker.pull(store, ROUNDS, who);
                  return null;
                }));
      }
      for (Future<?> f : results) {
        f.get(60, TimeUnit.SECONDS);
      }
      pool.shutdown();
      assertConsistent(store, threads);
    }
  }

  @Test
  void processesAndThreadsPuttingAndCommittingTheSameVersionAllSucceed() throws Exception {
    ModelStore.open(home).close(); // let the children race on blobs and manifests, not on creation
    List<StoreWorker.Child> children = StoreWorker.startPullers(home, 2, ROUNDS);
    try (ModelStore store = ModelStore.open(home)) {
      StoreWorker.pull(store, ROUNDS, -1);
      for (StoreWorker.Child c : children) {
        assertTrue(c.process().waitFor(120, TimeUnit.SECONDS), "worker finished");
        assertEquals(0, c.process().exitValue(), c.errors());
      }
      assertConsistent(store, 3);
    }
  }

  @Test
  void processesOpeningANewStoreAtOnceAllSucceed() throws Exception {
    List<StoreWorker.Child> children = StoreWorker.startPullers(home, 3, 1);
    for (StoreWorker.Child c : children) {
      assertTrue(c.process().waitFor(120, TimeUnit.SECONDS), "worker finished");
      assertEquals(0, c.process().exitValue(), c.errors());
    }
    try (ModelStore store = ModelStore.open(home)) {
      assertTrue(store.verify().clean());
      assertEquals(Migrations.LATEST, store.schemaVersion());
    }
  }

  private static void assertConsistent(ModelStore store, int pullers) throws Exception {
    VerifyReport r = store.verify();
    assertTrue(r.clean(), r.toString());
    // "shared", v0..v9, and each puller's own r0..r9.
    assertEquals(1 + ROUNDS + pullers * ROUNDS, store.list().size());
    assertEquals(1 + ROUNDS + pullers * ROUNDS, store.rebuildIndex(), "index agrees with disk");
    List<TagMove> history = store.tagHistory("hf", "org/model", "main");
    for (int i = 1; i < history.size(); i++) {
      assertEquals(
          history.get(i - 1).version(), history.get(i).previousVersion(), "an unbroken chain");
    }
    assertEquals(
        history.get(history.size() - 1).version(),
        store.resolve("hf", "org/model", "main").orElseThrow().version());
    try (Stream<Path> files = Files.list(store.tempDir())) {
      assertEquals(List.of(), files.toList(), "no temporary file left behind");
    }
    try (Stream<Path> files = Files.walk(store.home().resolve("manifests"))) {
      assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")));
    }
    assertTrue(
        store
            .materialize(store.manifest("hf", "org/model", "shared").orElseThrow())
            .resolve("model.onnx")
            .toFile()
            .isFile());
  }
}
