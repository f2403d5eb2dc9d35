package io.gpux.server;

import io.gpux.error.GpuxException;
import io.gpux.inference.InferenceModel;
import io.gpux.tensor.Tensor;
import io.gpux.tensor.TensorRows;
import io.gpux.tensor.TensorSignature;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * Dynamic batching: concurrent requests to one model are joined along dimension 0 (up to {@code
 * maxBatch} rows, a request waiting at most the queue delay for others, a batch that reaches a
 * preferred size running at once), run once, and the outputs are split back in order. Only for
 * models whose every input and output has a dynamic first dimension; requests whose other
 * dimensions differ go in different batches. One batcher per model serves every front end, so HTTP
 * and gRPC requests share batches.
 */
final class DynamicBatcher implements AutoCloseable {
  private final InferenceModel model;
  private final int maxBatch;
  private final int[] preferredSizes;
  private final long maxDelayNanos;
  private final IntConsumer formed;
  private final LinkedBlockingDeque<Pending> queue = new LinkedBlockingDeque<>();
  private final Thread worker;
  private volatile boolean closed;

  /** A request waiting to be batched, since {@code queued} (System.nanoTime()). */
  private record Pending(
      Map<String, Tensor> feeds,
      long rows,
      String key,
      RequestTiming timing,
      long queued,
      CompletableFuture<Map<String, Tensor>> result) {}

  DynamicBatcher(InferenceModel model, int maxBatch, long maxDelayNanos, IntConsumer formed) {
    this(model, new ServerOptions.Batching(maxBatch, List.of(), maxDelayNanos / 1000), formed);
  }

  DynamicBatcher(InferenceModel model, ServerOptions.Batching batching, IntConsumer formed) {
    this.model = model;
    this.maxBatch = batching.maxBatchSize();
    this.preferredSizes = batching.preferredSizes().stream().mapToInt(Integer::intValue).toArray();
    this.maxDelayNanos = TimeUnit.MICROSECONDS.toNanos(batching.maxQueueDelayMicros());
    this.formed = formed;
    this.worker = new Thread(this::loop, "gpux-batcher");
    worker.setDaemon(true);
    worker.start();
  }

  /** Whether every input and output has a dynamic first dimension and a numeric type. */
  static boolean canBatch(InferenceModel m) {
    return TensorRows.batchable(m.inputs()) && TensorRows.batchable(m.outputs());
  }

  Map<String, Tensor> run(Map<String, Tensor> feeds) {
    return run(feeds, new RequestTiming());
  }

  /** Runs one request, batched with others when they come together; times its queue and run. */
  Map<String, Tensor> run(Map<String, Tensor> feeds, RequestTiming timing) {
    long rows = -1;
    for (TensorSignature s : model.inputs()) {
      Tensor t = feeds.get(s.name());
      if (t == null || t.rank() == 0) {
        return timed(List.of(timing), () -> model.run(feeds)); // the model says what is missing
      }
      long[] shape = t.shape();
      if (rows >= 0 && shape[0] != rows) {
        throw GpuxException.invalidInput(
            "inputs disagree on the batch size (dimension 0)",
            "give every input the same number of rows");
      }
      rows = shape[0];
    }
    if (rows <= 0 || rows >= maxBatch) {
      return timed(List.of(timing), () -> model.run(feeds));
    }
    Pending p =
        new Pending(
            feeds,
            rows,
            TensorRows.joinKey(model.inputs(), feeds),
            timing,
            System.nanoTime(),
            new CompletableFuture<>());
    queue.add(p);
    try {
      return p.result().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  private void loop() {
    while (!closed) {
      try {
        Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
        if (first != null) {
          form(first);
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        // execute() completes every future; nothing may kill the worker.
      }
    }
  }

  /**
   * Forms and runs one batch led by {@code first}, as Triton's dynamic batcher does: the requests
   * queued now join it in arrival order (up to {@code maxBatch} rows, while their shapes match); if
   * that reaches a preferred size, the largest one reached runs at once and the rest lead the next
   * batch; otherwise the batch waits for more until the oldest request has waited the queue delay,
   * and runs as soon as it reaches the largest size or a preferred one.
   */
  private void form(Pending first) throws InterruptedException {
    List<Pending> batch = new ArrayList<>(List.of(first));
    long rows = first.rows();
    int preferredAt = preferred(rows) ? 1 : 0; // requests in the largest preferred batch so far
    List<Pending> later = new ArrayList<>();
    boolean otherShape = false;
    while (rows < maxBatch) {
      Pending next = queue.poll();
      if (next == null) {
        break;
      }
      if (!joins(first, next, rows)) {
        later.add(next);
        otherShape = true;
        break;
      }
      batch.add(next);
      rows += next.rows();
      if (preferred(rows)) {
        preferredAt = batch.size();
      }
    }
    if (rows < maxBatch && preferredAt > 0) {
      List<Pending> rest = batch.subList(preferredAt, batch.size());
      later.addAll(0, rest);
      for (Pending p : rest) {
        rows -= p.rows();
      }
      rest.clear();
    } else if (rows < maxBatch && !otherShape) {
      long deadline = first.queued() + maxDelayNanos;
      for (long wait = deadline - System.nanoTime(); rows < maxBatch && wait > 0; ) {
        Pending next = queue.poll(wait, TimeUnit.NANOSECONDS);
        if (next == null) {
          break;
        }
        if (!joins(first, next, rows)) {
          // Another shape is waiting: run what we have rather than make it wait for the timer.
          later.add(next);
          break;
        }
        batch.add(next);
        rows += next.rows();
        if (preferred(rows)) {
          break;
        }
        wait = deadline - System.nanoTime();
      }
    }
    for (int i = later.size() - 1; i >= 0; i--) {
      queue.addFirst(later.get(i)); // they lead the next batch, in arrival order
    }
    execute(batch, rows);
  }

  private boolean joins(Pending first, Pending next, long rows) {
    return next.key().equals(first.key()) && rows + next.rows() <= maxBatch;
  }

  private boolean preferred(long rows) {
    for (int p : preferredSizes) {
      if (p == rows) {
        return true;
      }
    }
    return false;
  }

  private void execute(List<Pending> batch, long rows) {
    if (batch.size() == 1) {
      Pending p = batch.get(0);
      complete(p, () -> timed(List.of(p.timing()), () -> model.run(p.feeds())));
      formed.accept((int) rows);
      return;
    }
    List<Map<String, Tensor>> answers;
    try {
      Map<String, Tensor> joined =
          TensorRows.concat(model.inputs(), batch.stream().map(Pending::feeds).toList(), rows);
      Map<String, Tensor> outputs =
          timed(batch.stream().map(Pending::timing).toList(), () -> model.run(joined));
      answers = TensorRows.split(outputs, rows, batch.stream().mapToLong(Pending::rows).toArray());
    } catch (RuntimeException e) {
      // A bad request, or outputs that do not follow the batch: run each alone, so each request
      // gets its own answer and no neighbour fails for it.
      batch.forEach(p -> complete(p, () -> timed(List.of(p.timing()), () -> model.run(p.feeds()))));
      return;
    }
    formed.accept((int) rows);
    for (int i = 0; i < batch.size(); i++) {
      batch.get(i).result().complete(answers.get(i));
    }
  }

  /** Runs the model for these requests, marking when their run began and ended. */
  private static Map<String, Tensor> timed(
      List<RequestTiming> timings, java.util.function.Supplier<Map<String, Tensor>> run) {
    timings.forEach(RequestTiming::runStarted);
    try {
      return run.get();
    } finally {
      timings.forEach(RequestTiming::runEnded);
    }
  }

  private static void complete(Pending p, java.util.function.Supplier<Map<String, Tensor>> call) {
    try {
      p.result().complete(call.get());
    } catch (RuntimeException e) {
      p.result().completeExceptionally(e);
    }
  }

  @Override
  public void close() {
    closed = true;
    worker.interrupt();
    // Requests still waiting would otherwise wait forever on a batch that never forms.
    for (Pending p; (p = queue.poll()) != null; ) {
      p.result()
          .completeExceptionally(
              GpuxException.unavailable(
                  "the server is shutting down", "retry on another replica, or once it is back"));
    }
  }
}
