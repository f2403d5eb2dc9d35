package io.gpux.server;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Who may use the server's memory and its inference slots. Two independent limits, both answered
 * with 503 and {@code Retry-After} when reached, and neither ever taken by health or metrics:
 *
 * <ul>
 *   <li>memory: a request's body is counted against the budget as it arrives, and once it is all
 *       in, {@link #EXPANSION} times its size is held until its answer is written (the body, the
 *       tensors decoded from it, the outputs and the answer). A slow client holds only what it has
 *       sent;
 *   <li>slots: requests computing or waiting to compute, taken only once the body is in, so a
 *       client that stalls mid-body holds no slot.
 * </ul>
 */
final class Admission {
  /**
   * Memory a request needs, as a multiple of its body. Measured with the streaming decoder: a JSON
   * float32 ("0.5,") is 4 bytes of text and 4 of tensor, a small integer ("1,") 2 of text and 8 of
   * int64; outputs and the written answer add about as much again.
   */
  static final long EXPANSION = 4;

  /** Fixed cost of a request besides its body: parser, maps, headers. */
  static final long OVERHEAD = 64 << 10;

  private final long budget;
  private final AtomicLong used = new AtomicLong();
  private final Semaphore slots;
  private final int slotCount;

  Admission(long budgetBytes, int slots) {
    this.budget = budgetBytes;
    this.slotCount = slots;
    this.slots = new Semaphore(slots);
  }

  long budget() {
    return budget;
  }

  int slots() {
    return slotCount;
  }

  /** What a request with this body would hold once admitted. */
  static long cost(long bodyBytes) {
    return OVERHEAD + EXPANSION * bodyBytes;
  }

  /** Whether a body of this size could ever be admitted (else it gets 413, not 503). */
  boolean fits(long bodyBytes) {
    return cost(bodyBytes) <= budget;
  }

  /** Holds {@code bytes} of the budget, or nothing when that would exceed it. */
  boolean reserve(long bytes) {
    for (long now = used.get(); ; now = used.get()) {
      if (now + bytes > budget) {
        return false;
      }
      if (used.compareAndSet(now, now + bytes)) {
        return true;
      }
    }
  }

  void release(long bytes) {
    used.addAndGet(-bytes);
  }

  long used() {
    return used.get();
  }

  boolean trySlot() {
    return slots.tryAcquire();
  }

  void releaseSlot() {
    slots.release();
  }

  /** Slots in use: requests computing or waiting to compute. */
  int busySlots() {
    return slotCount - slots.availablePermits();
  }
}
