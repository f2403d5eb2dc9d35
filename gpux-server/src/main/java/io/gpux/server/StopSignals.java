package io.gpux.server;

import java.util.concurrent.CountDownLatch;

/**
 * SIGTERM and SIGINT for a serving process, handled before the JVM starts shutting down.
 *
 * <p>Why not a shutdown hook: ONNX Runtime's Java binding registers one of its own ({@code
 * OrtEnvironment}'s constructor adds a hook that releases the native environment), and the JVM runs
 * all hooks at once, in no order. A server draining in its hook had the environment freed under the
 * model runs still in flight: SIGSEGV in {@code libonnxruntime.so}, 4 of 5 tries with long
 * requests. Catching the signal instead lets the server drain and free its sessions while the JVM
 * is still whole; only then does the process exit, and ORT's hook finds nothing running.
 *
 * <p>A second signal while draining stops at once ({@link Runtime#halt}, no hooks run), as
 * orchestrators and impatient users expect.
 */
public final class StopSignals {
  private final CountDownLatch stop = new CountDownLatch(1);
  private volatile String received;

  private StopSignals() {}

  /** Takes over SIGTERM and SIGINT (where the platform has them). */
  public static StopSignals install() {
    StopSignals s = new StopSignals();
    boolean handled = false;
    for (String name : new String[] {"TERM", "INT"}) {
      try {
        sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> s.signalled("SIG" + name));
        handled = true;
      } catch (IllegalArgumentException | UnsupportedOperationException e) {
        // Not on this platform (or the JVM runs with -Xrs): a hook below stands in.
      }
    }
    if (!handled) {
      Runtime.getRuntime()
          .addShutdownHook(new Thread(() -> s.signalled("shutdown"), "gpux-stop-signal"));
    }
    return s;
  }

  private void signalled(String name) {
    if (received != null) {
      Runtime.getRuntime().halt(128 + (name.equals("SIGINT") ? 2 : 15));
    }
    received = name;
    stop.countDown();
  }

  /** Waits for the first signal; returns its name ({@code SIGTERM}, {@code SIGINT}). */
  public String await() throws InterruptedException {
    stop.await();
    return received;
  }

  /** Ends the wait as a signal would (a test, or the server stopping for another reason). */
  public void trigger() {
    received = received == null ? "stop" : received;
    stop.countDown();
  }
}
