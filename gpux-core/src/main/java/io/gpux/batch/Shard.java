package io.gpux.batch;

import io.gpux.digest.Sha256;
import io.gpux.error.GpuxException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One of {@code count} deterministic slices of a batch ({@code --shard INDEX/COUNT}), so that N
 * machines each take a disjoint part of the work and together do all of it, with no coordinator.
 *
 * <p>The index is 0-based, as Kubernetes indexed Jobs number their pods ({@code
 * JOB_COMPLETION_INDEX} runs from 0 to {@code completions - 1}) and Slurm arrays usually do ({@code
 * --array=0-N}), so {@code --shard $JOB_COMPLETION_INDEX/N} needs no arithmetic.
 *
 * <p>A key belongs to the shard {@code sha256(key) mod count}: stable across JVMs, machines and
 * versions of Java ({@link String#hashCode} is stable too, but a hash of the text spreads similar
 * names evenly, and this one is the same in every language a job runner's script might use).
 *
 * @param index which slice, {@code 0 <= index < count}
 * @param count how many slices, at least 1
 */
public record Shard(int index, int count) {
  /** The whole batch: one slice. */
  public static final Shard ALL = new Shard(0, 1);

  private static final Pattern FORM = Pattern.compile("(\\d{1,9})/(\\d{1,9})");

  public Shard {
    if (count < 1) {
      throw GpuxException.invalidInput(
          "a batch cannot be split into " + count + " shards", "give at least 1, e.g. --shard 0/4");
    }
    if (index < 0 || index >= count) {
      throw GpuxException.invalidInput(
          "shard "
              + index
              + "/"
              + count
              + " does not exist: shards are numbered 0 to "
              + (count - 1),
          "the index is 0-based, as Kubernetes' JOB_COMPLETION_INDEX: --shard "
              + Math.max(0, Math.min(index, count - 1))
              + "/"
              + count);
    }
  }

  /** Parses {@code INDEX/COUNT}, e.g. {@code 0/4} (the first of four). */
  public static Shard parse(String text) {
    Matcher m = FORM.matcher(text == null ? "" : text.strip());
    if (!m.matches()) {
      throw GpuxException.invalidInput(
          "'" + text + "' is not a shard: expected INDEX/COUNT",
          "e.g. --shard 0/4 (0-based, as Kubernetes' JOB_COMPLETION_INDEX)");
    }
    return new Shard(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
  }

  /** Whether {@code key} (a model reference, a model and an input line) falls in this slice. */
  public boolean owns(String key) {
    if (count == 1) {
      return true;
    }
    byte[] d = Sha256.digest().digest(key.getBytes(StandardCharsets.UTF_8));
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (d[i] & 0xff);
    }
    return Long.remainderUnsigned(v, count) == index;
  }

  /** {@code INDEX/COUNT}, as parsed. */
  @Override
  public String toString() {
    return index + "/" + count;
  }
}
