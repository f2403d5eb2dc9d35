package io.gpux.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store lock, within a process and across processes. The tests wait for real signals that the
 * other side is blocked on the lock (a thread parked inside {@link StoreLock#acquire}, a process
 * with a blocked request in {@code /proc/locks}), never for a while in the hope that it got there.
 */
class StoreLockTest {
  @TempDir Path home;

  /** Waits until {@code t} is parked inside {@link StoreLock#acquire}: it waits for the lock. */
  private static void awaitBlockedOnTheLock(Thread t) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!(t.getState() == Thread.State.WAITING && inAcquire(t.getStackTrace()))) {
      assertTrue(t.isAlive(), "the thread ended without waiting for the lock");
      assertTrue(System.nanoTime() < deadline, "the thread never waited for the lock");
      Thread.sleep(1); // poll the thread's state; the state is the signal
    }
  }

  private static boolean inAcquire(StackTraceElement[] stack) {
    for (StackTraceElement e : stack) {
      if (e.getClassName().equals(StoreLock.class.getName())
          && e.getMethodName().equals("acquire")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Waits until the kernel lists a blocked lock request of process {@code pid} ({@code /proc/locks}
   * marks waiters with {@code ->}): it waits for the OS lock another process holds.
   */
  private static void awaitBlockedOnAFileLock(Process p, List<String> lines) throws Exception {
    Path locks = Path.of("/proc/locks");
    Assumptions.assumeTrue(Files.isReadable(locks), "needs Linux's /proc/locks");
    String pid = " " + p.pid() + " ";
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (Files.readAllLines(locks).stream().noneMatch(l -> l.contains("->") && l.contains(pid))) {
      assertTrue(p.isAlive(), "the child ended without waiting for the lock: " + lines);
      assertTrue(System.nanoTime() < deadline, "the child never waited for the lock: " + lines);
      Thread.sleep(1);
    }
  }

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
        awaitBlockedOnTheLock(other);
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
        awaitBlockedOnTheLock(other); // still held by the outer lock
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
        awaitBlockedOnAFileLock(child.process(), lines);
        assertEquals(List.of("waiting"), lines);
      }
      assertTrue(child.process().waitFor(60, TimeUnit.SECONDS), "it gets the lock once released");
      assertEquals(0, child.process().exitValue(), child.errors());
      reader.join(10_000);
      assertEquals(List.of("waiting", "locked"), lines);
    }
  }
}
