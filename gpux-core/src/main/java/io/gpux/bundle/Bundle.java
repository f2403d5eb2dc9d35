package io.gpux.bundle;

/** The annotation keys a bundle entry carries, and what an import reports. */
public final class Bundle {
  private Bundle() {}

  public static final String REF_NAME = "org.opencontainers.image.ref.name";
  static final String REGISTRY = "io.gpux.registry";
  static final String NAME = "io.gpux.name";
  static final String VERSION = "io.gpux.version";
  static final String REQUESTED = "io.gpux.requested";
  static final String SOURCE = "io.gpux.source";
  static final String LINEAGE = "io.gpux.lineage.";

  /** One model of a bundle: its name in the bundle and its exact reference. */
  public record Entry(
      String refName, String reference, int files, long bytes, boolean alreadyPresent) {}
}
