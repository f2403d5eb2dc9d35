package io.gpux.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gpux.Gpux;
import io.gpux.inference.InferenceModel;
import io.gpux.runtime.RuntimeOptions;
import io.gpux.tensor.Tensor;
import io.gpux.testing.OnnxModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DynamicBatcherTest {
  @TempDir Path dir;

  @Test
  void concurrentRequestsAreJoinedAndSplitBackInOrder() throws Exception {
    try (Gpux gpux = Gpux.open()) {
      InferenceModel m =
          gpux.load(
              OnnxModels.addOne(Files.createDirectories(dir)).toString(),
              RuntimeOptions.defaults());
      assertTrue(DynamicBatcher.canBatch(m));
      List<Integer> formed = new CopyOnWriteArrayList<>();
      // A long delay: the batch closes when 6 rows have arrived, not when a timer fires.
      try (DynamicBatcher batcher =
          new DynamicBatcher(m, 6, TimeUnit.SECONDS.toNanos(30), formed::add)) {
        ExecutorService pool = Executors.newFixedThreadPool(3);
        List<Future<Map<String, Tensor>>> answers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
          float v = i * 10;
          long rows = i + 1; // 1 + 2 + 3 = 6 rows
          float[] data = new float[(int) rows * 4];
          java.util.Arrays.fill(data, v);
          answers.add(
              pool.submit(
                  () -> batcher.run(Map.of("x", Tensor.ofFloats(new long[] {rows, 4}, data)))));
        }
        for (int i = 0; i < 3; i++) {
          Tensor y = answers.get(i).get(60, TimeUnit.SECONDS).get("y");
          assertEquals(i + 1, y.shape()[0], "each caller gets its own rows back");
          for (int e = 0; e < y.elementCount(); e++) {
            assertEquals(i * 10 + 1, y.doubleAt(e), 0);
          }
        }
        pool.shutdown();
        assertEquals(List.of(6), formed, "one run of 6 rows");
      }
    }
  }

  @Test
  void aBatchThatReachesAPreferredSizeRunsWithoutWaitingOutTheDelay() throws Exception {
    try (Gpux gpux = Gpux.open()) {
      InferenceModel m =
          gpux.load(
              OnnxModels.addOne(Files.createDirectories(dir)).toString(),
              RuntimeOptions.defaults());
      List<Integer> formed = new CopyOnWriteArrayList<>();
      // A queue delay of an hour and a largest batch of 8 that never fills: only the preferred
      // size 3 lets the batch run, so the answers come within the test's deadline at all.
      try (DynamicBatcher batcher =
          new DynamicBatcher(
              m, new ServerOptions.Batching(8, List.of(3), 3_600_000_000L), formed::add)) {
        ExecutorService pool = Executors.newFixedThreadPool(3);
        List<Future<Map<String, Tensor>>> answers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
          float v = i;
          answers.add(
              pool.submit(
                  () -> batcher.run(Map.of("x", Tensor.ofFloats(new long[] {1, 4}, v, v, v, v)))));
        }
        for (int i = 0; i < 3; i++) {
          assertEquals(i + 1, answers.get(i).get(60, TimeUnit.SECONDS).get("y").doubleAt(0), 0);
        }
        pool.shutdown();
        assertEquals(List.of(3), formed, "one run of the preferred 3 rows");
      }
    }
  }

  @Test
  void modelsWithoutADynamicFirstDimensionAreNotBatched() throws Exception {
    try (Gpux gpux = Gpux.open()) {
      Path fixed =
          OnnxModels.builder()
              .input("x", "float32", 1, 4)
              .node("Identity", List.of("x"), List.of("y"))
              .output("y", "float32", 1, 4)
              .writeTo(dir.resolve("fixed.onnx"));
      assertFalse(DynamicBatcher.canBatch(gpux.load(fixed.toString(), RuntimeOptions.defaults())));
      assertFalse(
          DynamicBatcher.canBatch(
              gpux.load(
                  OnnxModels.stringIdentity(Files.createDirectories(dir.resolve("s"))).toString(),
                  RuntimeOptions.defaults())));
    }
  }

  @Test
  void aBadRequestDoesNotFailItsNeighbours() throws Exception {
    try (Gpux gpux = Gpux.open()) {
      InferenceModel m =
          gpux.load(
              OnnxModels.addOne(Files.createDirectories(dir)).toString(),
              RuntimeOptions.defaults());
      try (DynamicBatcher batcher =
          new DynamicBatcher(m, 4, TimeUnit.MILLISECONDS.toNanos(50), rows -> {})) {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        Future<Map<String, Tensor>> good =
            pool.submit(
                () -> batcher.run(Map.of("x", Tensor.ofFloats(new long[] {1, 4}, 1, 2, 3, 4))));
        Future<Map<String, Tensor>> bad =
            pool.submit(
                () -> batcher.run(Map.of("x", Tensor.ofFloats(new long[] {3, 3}, new float[9]))));
        // The wrong shape is batched apart (its key differs); the good one still completes.
        assertEquals(2.0, good.get(60, TimeUnit.SECONDS).get("y").doubleAt(0), 0);
        try {
          bad.get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException expected) {
          assertTrue(
              expected.getCause() instanceof io.gpux.error.GpuxException, expected.toString());
        }
        pool.shutdown();
      }
    }
  }
}
