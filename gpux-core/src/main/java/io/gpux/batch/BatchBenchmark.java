package io.gpux.batch;

import com.fasterxml.jackson.databind.JsonNode;
import io.gpux.benchmark.Benchmark;
import io.gpux.benchmark.LatencyStats;
import io.gpux.error.GpuxException;
import io.gpux.inference.InferenceModel;
import io.gpux.project.Project;
import io.gpux.runtime.RuntimeOptions;
import io.gpux.tensor.Tensor;
import io.gpux.tensor.TensorRows;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code gpux batch benchmark}: each model timed as {@code gpux run --benchmark} times it ({@link
 * Benchmark}: warm-up, then timed runs), one after another so that the models do not compete for
 * the cores they are measured on. Each session is closed before the next model opens. A model that
 * cannot be found, loaded or run is a result with an error; the rest go on.
 */
public final class BatchBenchmark {
  /**
   * What to time.
   *
   * @param input the inputs for every model (what {@code run --benchmark --file} takes); null feeds
   *     each model zeros shaped by its signature, dynamic dimensions set to 1
   * @param batchSizes rows per call to time each model at (its batch curve: the queue insight
   *     estimates what larger batches would gain from it), each a multiple of the inputs' rows;
   *     empty: the inputs as they are
   */
  public record Options(
      int warmup,
      int runs,
      JsonNode input,
      boolean pull,
      RuntimeOptions runtime,
      List<Long> batchSizes) {
    public Options(int warmup, int runs, JsonNode input, boolean pull, RuntimeOptions runtime) {
      this(warmup, runs, input, pull, runtime, List.of());
    }

    public Options {
      batchSizes = batchSizes == null ? List.of() : List.copyOf(batchSizes);
      for (long b : batchSizes) {
        if (b < 1) {
          throw GpuxException.invalidInput(
              "--batch-sizes must be 1 or more rows each, got " + b, "e.g. --batch-sizes 1,8,32");
        }
      }
      if (runs < 1) {
        throw GpuxException.invalidInput(
            "--runs must be at least 1, got " + runs, "e.g. --runs 100");
      }
      if (warmup < 0) {
        throw GpuxException.invalidInput(
            "--warmup must not be negative, got " + warmup, "e.g. --warmup 10");
      }
      runtime = runtime == null ? RuntimeOptions.defaults() : runtime;
    }
  }

  /**
   * One model's timing.
   *
   * @param stats null when {@code error} is set
   * @param batchSize rows per timed call (dimension 0 of the inputs)
   */
  public record Result(
      String model,
      java.nio.file.Path modelFile,
      String provider,
      long batchSize,
      LatencyStats stats,
      String error) {}

  private final ModelAccess access;
  private final Options options;

  public BatchBenchmark(ModelAccess access, Options options) {
    this.access = access;
    this.options = options;
  }

  /** Times the models in order; {@code each} sees every result as it is measured. */
  public List<Result> run(List<String> models, Consumer<Result> each) {
    List<Result> results = new ArrayList<>();
    for (String model : models) {
      time(
          model,
          r -> {
            each.accept(r);
            results.add(r);
          });
    }
    return results;
  }

  /** One result per batch size (one for the inputs as given), or one error. */
  private void time(String model, Consumer<Result> each) {
    String provider = null;
    java.nio.file.Path file = null;
    try {
      Project project = access.locate(model, options.pull());
      file = project.modelFile();
      try (InferenceModel m = access.open(project, options.runtime())) {
        provider = m.provider().chosen().ortName();
        Map<String, Tensor> feeds =
            options.input() == null ? TensorRows.zeros(m.inputs()) : m.toTensors(options.input());
        if (options.batchSizes().isEmpty()) {
          each.accept(timed(model, file, provider, m, feeds));
          return;
        }
        long rows = TensorRows.leadingRows(feeds);
        for (long b : options.batchSizes()) {
          if (b != rows && !TensorRows.batchable(m.inputs())) {
            each.accept(
                new Result(
                    model,
                    file,
                    provider,
                    b,
                    null,
                    "cannot time batches of " + b + ": its first input dimension is fixed"));
          } else if (b % rows != 0) {
            each.accept(
                new Result(
                    model,
                    file,
                    provider,
                    b,
                    null,
                    "batch size " + b + " is not a multiple of the inputs' " + rows + " rows"));
          } else {
            List<Map<String, Tensor>> copies =
                java.util.Collections.nCopies((int) (b / rows), feeds);
            Map<String, Tensor> joined =
                b == rows ? feeds : TensorRows.concat(m.inputs(), copies, b);
            each.accept(timed(model, file, provider, m, joined));
          }
        }
      }
    } catch (GpuxException e) {
      each.accept(new Result(model, file, provider, 0, null, e.problem()));
    }
  }

  private Result timed(
      String model,
      java.nio.file.Path file,
      String provider,
      InferenceModel m,
      Map<String, Tensor> feeds) {
    LatencyStats stats = Benchmark.run(options.warmup(), options.runs(), () -> m.run(feeds));
    return new Result(model, file, provider, TensorRows.leadingRows(feeds), stats, null);
  }
}
