package io.gpux.testing.hf;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Predicate;

/**
 * The faults scripted for coming requests, each spent on the first request it matches (or on the
 * first {@code times} ones). Faults are tried in the order they were added.
 *
 * <pre>{@code
 * hub.faults().next("onnx/model.onnx", Fault.dropAfter(1000))        // the next download of it
 *     .next("model.onnx_data", Fault.status(503), 2)                   // the next two
 *     .next(path -> path.startsWith("/cdn/"), Fault.corrupt())         // by URL path
 *     .nextRequest(r -> r.range() != null, Fault.ignoreRange());      // by the whole request
 * }</pre>
 */
public final class FaultPlan {
  private final List<Entry> entries = new ArrayList<>();

  private static final class Entry {
    final Predicate<RecordedRequest> request;
    final String file; // null when scripted by predicate
    final Fault fault;
    int remaining;

    Entry(Predicate<RecordedRequest> request, String file, Fault fault, int times) {
      this.request = request;
      this.file = file;
      this.fault = fault;
      this.remaining = times;
    }
  }

  FaultPlan() {}

  /**
   * The next GET that downloads a file with this repo path (or path suffix after a {@code /}), this
   * sha256 or blob id, or whose URL path contains {@code pathOrSha}, gets {@code fault}.
   */
  public FaultPlan next(String pathOrSha, Fault fault) {
    return next(pathOrSha, fault, 1);
  }

  public synchronized FaultPlan next(String pathOrSha, Fault fault, int times) {
    entries.add(entry(r -> r.method().equals("GET"), pathOrSha, fault, times));
    return this;
  }

  /**
   * The next request whose percent-decoded URL path (say {@code /acme/bert/resolve/main/x.onnx} or
   * {@code /cdn/<sha256>}) {@code path} accepts gets {@code fault}. Body faults wait for a request
   * that sends file bytes; {@link Fault.Status} takes any request, HEAD included.
   */
  public FaultPlan next(Predicate<String> path, Fault fault) {
    return next(path, fault, 1);
  }

  public synchronized FaultPlan next(Predicate<String> path, Fault fault, int times) {
    entries.add(entry(r -> path.test(r.path()), null, fault, times));
    return this;
  }

  /** Like {@link #next(Predicate, Fault)}, judging the whole request (method, headers, host). */
  public FaultPlan nextRequest(Predicate<RecordedRequest> when, Fault fault) {
    return nextRequest(when, fault, 1);
  }

  public synchronized FaultPlan nextRequest(
      Predicate<RecordedRequest> when, Fault fault, int times) {
    entries.add(entry(when, null, fault, times));
    return this;
  }

  /** How many faults are still to be spent, counting repeats. */
  public synchronized int pending() {
    return entries.stream().mapToInt(e -> e.remaining).sum();
  }

  public synchronized void clear() {
    entries.clear();
  }

  /**
   * Spends and returns the first fault that applies, or null. {@code file} is what the response
   * serves (null for API answers); body faults only apply when {@code sendsBytes}.
   */
  synchronized Fault take(RecordedRequest request, HubFile file, boolean sendsBytes) {
    for (Iterator<Entry> it = entries.iterator(); it.hasNext(); ) {
      Entry e = it.next();
      boolean applies = sendsBytes || e.fault instanceof Fault.Status;
      if (applies
          && e.request.test(request)
          && (e.file == null || matches(e.file, request, file))) {
        if (--e.remaining <= 0) {
          it.remove();
        }
        return e.fault;
      }
    }
    return null;
  }

  private static boolean matches(String wanted, RecordedRequest request, HubFile file) {
    if (request.path().contains(wanted)) {
      return true;
    }
    return file != null
        && (file.path().equals(wanted)
            || file.path().endsWith("/" + wanted)
            || wanted.equals(file.sha256())
            || wanted.equals(file.blobId()));
  }

  private static Entry entry(Predicate<RecordedRequest> when, String file, Fault fault, int times) {
    if (times < 1) {
      throw new IllegalArgumentException("a fault is spent at least once, got times=" + times);
    }
    return new Entry(when, file, fault, times);
  }
}
