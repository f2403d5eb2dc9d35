package io.gpux.batch;

import java.util.List;

/**
 * A batch pull's result: every model of the list, in list order, and the totals.
 *
 * @param seconds the whole batch, from its first metadata request to its last model
 */
public record BatchPullReport(List<ModelOutcome> models, double seconds) {
  public BatchPullReport {
    models = List.copyOf(models);
  }

  public long count(ModelOutcome.Status status) {
    return models.stream().filter(m -> m.status() == status).count();
  }

  /** Bytes that came over the network, for all models. */
  public long bytes() {
    return models.stream().mapToLong(ModelOutcome::bytes).sum();
  }

  /** Whether every model is in the store (the exit code is 0 only then). */
  public boolean succeeded() {
    return count(ModelOutcome.Status.FAILED) == 0;
  }

  public List<ModelOutcome> failures() {
    return models.stream().filter(m -> m.status() == ModelOutcome.Status.FAILED).toList();
  }
}
