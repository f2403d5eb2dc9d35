package io.gpux.batch;

/**
 * What became of one model of a batch.
 *
 * @param version the registry's exact version (a commit, {@code 3}, {@code v2}, a digest), or null
 *     when it failed before that was known
 * @param reference the exact reference to the version in its registry's grammar ({@code
 *     hf:org/m@<commit>}), or null with {@code version}
 * @param bytes bytes that came over the network for it
 * @param seconds the time it took (its metadata and its files)
 * @param error what went wrong (failed only), else null
 * @param hint the fix, when there is one, else null
 */
public record ModelOutcome(
    ModelList.Entry model,
    Status status,
    String version,
    String reference,
    long bytes,
    double seconds,
    String error,
    String hint) {

  /** pulled: fetched now; current: the store had it; failed: see {@code error}. */
  public enum Status {
    PULLED,
    CURRENT,
    FAILED;

    /** {@code pulled}, {@code current}, {@code failed}: the JSON's words. */
    public String word() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }
}
