package io.gpux.batch;

import io.gpux.error.GpuxException;
import io.gpux.runtime.RuntimeOptions;
import java.util.function.Predicate;

/**
 * How a batch runs.
 *
 * @param jobs models running at once (each on its own session and thread)
 * @param maxMemoryBytes what open sessions may hold together, by {@link SessionBudget}'s estimate
 * @param maxBatchRows rows one model call may join (micro-batching); 1 runs every line alone
 * @param pull pull registry models missing from the store first ({@code --no-pull} clears it)
 * @param resume skip (model, line) pairs already in the output file, appending the rest
 * @param owns which work this process takes, by the key {@link #workKey}: {@code --shard I/N}
 * @param runtime the session options (provider, threads) every model opens with
 */
public record BatchRunOptions(
    int jobs,
    long maxMemoryBytes,
    int maxBatchRows,
    boolean pull,
    boolean resume,
    Predicate<String> owns,
    RuntimeOptions runtime) {

  /**
   * Four models at once: each session already spreads its calls over the cores (ONNX Runtime's
   * intra-op threads), so more mostly adds memory; fewer leaves cores idle while one model reads
   * its inputs or writes its results.
   */
  public static final int DEFAULT_JOBS = 4;

  /** Rows per call: enough to amortise a call's fixed cost, small enough to keep lines flowing. */
  public static final int DEFAULT_MAX_BATCH_ROWS = 32;

  public BatchRunOptions {
    if (jobs < 1) {
      throw GpuxException.invalidInput("--jobs must be at least 1, got " + jobs, "e.g. --jobs 4");
    }
    if (maxMemoryBytes <= 0) {
      throw GpuxException.invalidInput("--max-memory must be positive", "e.g. --max-memory 8GiB");
    }
    if (maxBatchRows < 1) {
      throw GpuxException.invalidInput(
          "--batch-size must be at least 1, got " + maxBatchRows,
          "e.g. --batch-size 32, or 1 to run every line alone");
    }
    owns = owns == null ? key -> true : owns;
    runtime = runtime == null ? RuntimeOptions.defaults() : runtime;
  }

  public static BatchRunOptions defaults() {
    return new BatchRunOptions(
        DEFAULT_JOBS,
        SessionBudget.defaultLimit(),
        DEFAULT_MAX_BATCH_ROWS,
        true,
        false,
        null,
        RuntimeOptions.defaults());
  }

  /**
   * The key a shard decides on for one pair: the model reference as written and the 0-based line,
   * so every machine given the same list and data slices it the same way.
   */
  public static String workKey(String model, int line) {
    return model + "\n" + line;
  }

  public BatchRunOptions withJobs(int n) {
    return new BatchRunOptions(n, maxMemoryBytes, maxBatchRows, pull, resume, owns, runtime);
  }

  public BatchRunOptions withMaxMemory(long bytes) {
    return new BatchRunOptions(jobs, bytes, maxBatchRows, pull, resume, owns, runtime);
  }

  public BatchRunOptions withMaxBatchRows(int rows) {
    return new BatchRunOptions(jobs, maxMemoryBytes, rows, pull, resume, owns, runtime);
  }

  public BatchRunOptions withPull(boolean p) {
    return new BatchRunOptions(jobs, maxMemoryBytes, maxBatchRows, p, resume, owns, runtime);
  }

  public BatchRunOptions withResume(boolean r) {
    return new BatchRunOptions(jobs, maxMemoryBytes, maxBatchRows, pull, r, owns, runtime);
  }

  public BatchRunOptions withOwns(Predicate<String> o) {
    return new BatchRunOptions(jobs, maxMemoryBytes, maxBatchRows, pull, resume, o, runtime);
  }

  public BatchRunOptions withRuntime(RuntimeOptions r) {
    return new BatchRunOptions(jobs, maxMemoryBytes, maxBatchRows, pull, resume, owns, r);
  }
}
