package io.gpux.batch;

import java.util.List;

/**
 * The end of a batch run: one summary per job in the order given, and the most sessions that were
 * open at once (what the memory budget allowed).
 */
public record BatchRunReport(List<ModelSummary> models, int peakSessions, double seconds) {
  public BatchRunReport {
    models = List.copyOf(models);
  }

  public int lines() {
    return models.stream().mapToInt(ModelSummary::lines).sum();
  }

  public int errors() {
    return models.stream().mapToInt(ModelSummary::errors).sum();
  }
}
