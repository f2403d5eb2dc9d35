package io.gpux.transfer;

/** Waits between retries; tests inject one that records instead of sleeping. */
@FunctionalInterface
public interface Sleeper {
  Sleeper REAL = Thread::sleep;

  void sleep(long millis) throws InterruptedException;
}
