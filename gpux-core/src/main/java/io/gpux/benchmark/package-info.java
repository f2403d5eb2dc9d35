/**
 * Latency measurement for {@code gpux run --benchmark}: warm-up, timed runs, and the statistics
 * (mean, median, percentiles, throughput) printed from them.
 */
package io.gpux.benchmark;
