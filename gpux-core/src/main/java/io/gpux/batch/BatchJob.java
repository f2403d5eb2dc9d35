package io.gpux.batch;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One model over one file of inputs: every line of {@code input} runs through {@code model} and the
 * results go to {@code output}.
 *
 * @param model the reference as the list or JOBS.yml wrote it (it names the model in each result)
 * @param input a JSONL file, one input object per line (what {@code gpux run} takes)
 * @param output the JSONL file the results go to; null for the run's standard output
 */
public record BatchJob(String model, Path input, Path output) {
  public BatchJob {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(input, "input");
  }
}
