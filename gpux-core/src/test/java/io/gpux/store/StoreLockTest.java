package io.gpux.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreLockTest {
  @TempDir Path home;

  @Test
  void aSecondThreadWaitsUntilTheHolderReleases() throws Exception {
    try (ModelStore store = ModelStore.open(home)) {
      List<String> order = Collections.synchronizedList(new ArrayList<>());
      CountDownLatch started = new CountDownLatch(1);
      Thread other;
      try (StoreLock lock = store.lock("hf/org/model")) {
        other =
            new Thread(
                () -> {
                  started.countDown();
                  try (StoreLock l = store.lock("hf/org/model")) {
                    order.add("second");
                  }
                });
        other.start();
        started.await();
        other.join(300);
        order.add("first");
      }
      other.join();
      assertEquals(List.of("first", "second"), order);
    }
  }

  @Test
  void differentKeysDoNotExcludeEachOther() throws Exception {
    try (ModelStore store = ModelStore.open(home);
        StoreLock a = store.lock("a")) {
      Thread t = new Thread(() -> store.lock("b").close());
      t.start();
      t.join(5_000);
      assertTrue(!t.isAlive());
    }
  }

  @Test
  void theHolderMayTakeTheLockAgainAndKeepsItUntilTheOuterRelease() throws Exception {
    try (ModelStore store = ModelStore.open(home)) {
      Thread other;
      try (StoreLock outer = store.lock("k")) {
        StoreLock inner = store.lock("k");
        inner.close();
        inner.close(); // closing twice is harmless
        other = new Thread(() -> store.lock("k").close());
        other.start();
        other.join(300);
        assertTrue(other.isAlive(), "still held by the outer lock");
      }
      other.join(10_000);
      assertTrue(!other.isAlive());
    }
  }

  @Test
  void anotherProcessWaitsUntilTheHolderReleases() throws Exception {
    try (ModelStore store = ModelStore.open(home)) {
      StoreWorker.Child child;
      Thread reader;
      List<String> lines = Collections.synchronizedList(new ArrayList<>());
      try (StoreLock lock = store.lock("hf/org/model")) {
        child = StoreWorker.start(home, "lock", "hf/org/model");
        BufferedReader out = child.output();
        lines.add(out.readLine()); // "waiting": it is about to ask for the lock
        reader = new Thread(() -> out.lines().forEach(lines::add));
        reader.setDaemon(true);
        reader.start();
        Thread.sleep(500);
        assertTrue(child.process().isAlive(), "the child must wait: " + lines);
        assertEquals(List.of("waiting"), lines);
      }
      assertTrue(child.process().waitFor(60, TimeUnit.SECONDS), "it gets the lock once released");
      assertEquals(0, child.process().exitValue(), child.errors());
      reader.join(10_000);
      assertEquals(List.of("waiting", "locked"), lines);
    }
  }
}
