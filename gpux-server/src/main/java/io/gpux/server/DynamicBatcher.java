package io.gpux.server;

import io.gpux.error.GpuxException;
import io.gpux.inference.InferenceModel;
import io.gpux.onnx.ElementType;
import io.gpux.tensor.Tensor;
import io.gpux.tensor.TensorSignature;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * Dynamic batching: concurrent requests to one model are joined along dimension 0 (up to {@code
 * maxBatch} rows, waiting at most {@code maxDelay} for more), run once, and the outputs are split
 * back in order. Only for models whose every input and output has a dynamic first dimension;
 * requests whose other dimensions differ go in different batches.
 */
final class DynamicBatcher implements AutoCloseable {
  private final InferenceModel model;
  private final int maxBatch;
  private final long maxDelayNanos;
  private final IntConsumer formed;
  private final LinkedBlockingDeque<Pending> queue = new LinkedBlockingDeque<>();
  private final Thread worker;
  private volatile boolean closed;

  private record Pending(
      Map<String, Tensor> feeds,
      long rows,
      String key,
      RequestTiming timing,
      CompletableFuture<Map<String, Tensor>> result) {}

  DynamicBatcher(InferenceModel model, int maxBatch, long maxDelayNanos, IntConsumer formed) {
    this.model = model;
    this.maxBatch = maxBatch;
    this.maxDelayNanos = maxDelayNanos;
    this.formed = formed;
    this.worker = new Thread(this::loop, "gpux-batcher");
    worker.setDaemon(true);
    worker.start();
  }

  /** Whether every input and output has a dynamic first dimension and a numeric type. */
  static boolean canBatch(InferenceModel m) {
    return batchable(m.inputs()) && batchable(m.outputs());
  }

  private static boolean batchable(List<TensorSignature> sigs) {
    for (TensorSignature s : sigs) {
      if (s.type() == null
          || s.type() == ElementType.STRING
          || s.shape() == null
          || s.shape().isEmpty()
          || s.shape().get(0) >= 0) {
        return false;
      }
    }
    return !sigs.isEmpty();
  }

  Map<String, Tensor> run(Map<String, Tensor> feeds) {
    return run(feeds, new RequestTiming());
  }

  /** Runs one request, batched with others when they come together; times its queue and run. */
  Map<String, Tensor> run(Map<String, Tensor> feeds, RequestTiming timing) {
    long rows = -1;
    StringBuilder key = new StringBuilder();
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
      key.append(s.name())
          .append(Arrays.toString(Arrays.copyOfRange(shape, 1, shape.length)))
          .append(t.type())
          .append(';');
    }
    if (rows <= 0 || rows >= maxBatch) {
      return timed(List.of(timing), () -> model.run(feeds));
    }
    Pending p = new Pending(feeds, rows, key.toString(), timing, new CompletableFuture<>());
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
        if (first == null) {
          continue;
        }
        List<Pending> batch = new ArrayList<>(List.of(first));
        long rows = first.rows();
        long deadline = System.nanoTime() + maxDelayNanos;
        List<Pending> other = new ArrayList<>();
        while (rows < maxBatch) {
          long wait = deadline - System.nanoTime();
          Pending next = wait <= 0 ? queue.poll() : queue.poll(wait, TimeUnit.NANOSECONDS);
          if (next == null) {
            break;
          }
          if (next.key().equals(first.key()) && rows + next.rows() <= maxBatch) {
            batch.add(next);
            rows += next.rows();
          } else {
            // Another shape is waiting: run what we have rather than make it wait for the timer.
            other.add(next);
            break;
          }
        }
        for (int i = other.size() - 1; i >= 0; i--) {
          queue.addFirst(other.get(i)); // they lead the next batch, in arrival order
        }
        execute(batch, rows);
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        // execute() completes every future; nothing may kill the worker.
      }
    }
  }

  private void execute(List<Pending> batch, long rows) {
    if (batch.size() == 1) {
      Pending p = batch.get(0);
      complete(p, () -> timed(List.of(p.timing()), () -> model.run(p.feeds())));
      formed.accept((int) rows);
      return;
    }
    List<Map<String, Tensor>> answers = new ArrayList<>();
    try {
      Map<String, Tensor> joined = concat(batch, rows);
      Map<String, Tensor> outputs =
          timed(batch.stream().map(Pending::timing).toList(), () -> model.run(joined));
      long offset = 0;
      for (Pending p : batch) {
        Map<String, Tensor> mine = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : outputs.entrySet()) {
          mine.put(e.getKey(), slice(e.getValue(), rows, offset, p.rows()));
        }
        offset += p.rows();
        answers.add(mine);
      }
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

  private Map<String, Tensor> concat(List<Pending> batch, long rows) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (TensorSignature s : model.inputs()) {
      Tensor first = batch.get(0).feeds().get(s.name());
      long[] shape = first.shape();
      shape[0] = rows;
      ByteBuffer joined = Tensor.allocate(first.type(), Tensor.elementCount(shape));
      for (Pending p : batch) {
        joined.put(p.feeds().get(s.name()).data());
      }
      joined.flip();
      out.put(s.name(), Tensor.of(first.type(), shape, joined));
    }
    return out;
  }

  private static Tensor slice(Tensor t, long totalRows, long offset, long rows) {
    long[] shape = t.shape();
    if (shape.length == 0 || shape[0] != totalRows) {
      throw new IllegalStateException("output does not follow the batch");
    }
    long rowBytes = t.elementCount() / totalRows * t.type().byteSize();
    ByteBuffer data = t.data();
    data.position((int) (offset * rowBytes));
    data.limit((int) ((offset + rows) * rowBytes));
    shape[0] = rows;
    return Tensor.of(t.type(), shape, data.slice());
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
