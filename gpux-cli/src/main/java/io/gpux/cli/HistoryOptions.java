package io.gpux.cli;

import io.gpux.Gpux;
import io.gpux.index.BenchmarkTables;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code --no-history} for every command that measures ({@code run --benchmark}, {@code batch run},
 * {@code batch benchmark}, {@code compare --measure}), and the one way they keep what they
 * measured: {@link io.gpux.Monitor#record}, a warning (never a failure) when it cannot be stored.
 */
final class HistoryOptions {
  @Option(
      names = "--no-history",
      description =
          "Do not keep the measurements in the monitoring history (by default they go into the"
              + " store's index with this machine's fingerprint; gpux dashboard shows them).")
  boolean noHistory;

  /** Keeps {@code rows} as measured by {@code source} unless {@code --no-history}. */
  void keep(Gpux gpux, List<BenchmarkTables.BenchmarkRow> rows, String source, PrintWriter err) {
    if (noHistory) {
      return;
    }
    gpux.monitor()
        .record(
            rows,
            source,
            warning -> {
              err.println("gpux: warning: " + warning);
              err.flush();
            });
  }
}
