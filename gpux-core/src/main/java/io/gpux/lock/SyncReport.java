package io.gpux.lock;

import java.util.List;

/** What {@code gpux sync} did, one entry per locked model, in the lockfile's order. */
public record SyncReport(List<Restored> models) {
  public SyncReport {
    models = List.copyOf(models);
  }

  /**
   * One locked model restored.
   *
   * @param reference the exact reference, in the registry's grammar
   * @param alreadyPresent the store had every locked byte; nothing was fetched
   * @param filesFetched files that came over the network
   * @param bytesFetched bytes that came over the network
   */
  public record Restored(
      LockedModel model,
      String reference,
      boolean alreadyPresent,
      int filesFetched,
      long bytesFetched) {}

  public long bytesFetched() {
    return models.stream().mapToLong(Restored::bytesFetched).sum();
  }
}
