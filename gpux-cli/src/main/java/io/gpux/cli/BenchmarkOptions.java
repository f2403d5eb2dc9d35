package io.gpux.cli;

import picocli.CommandLine.Option;

/**
 * How many runs a benchmark times and how many it runs first untimed, shared by {@code run
 * --benchmark} and {@code batch benchmark} so that both measure the same way.
 */
final class BenchmarkOptions {
  @Option(
      names = "--runs",
      defaultValue = "100",
      description = "Timed runs (of each model) for the benchmark (default: ${DEFAULT-VALUE}).")
  int runs;

  @Option(
      names = "--warmup",
      defaultValue = "10",
      description = "Untimed runs first (default: ${DEFAULT-VALUE}).")
  int warmup;
}
