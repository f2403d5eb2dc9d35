package io.gpux.discover;

import io.gpux.error.GpuxException;
import java.util.List;
import java.util.Locale;

/**
 * What {@code gpux recommend} is asked: a task, the constraints a model must meet and the objective
 * that ranks those that do.
 *
 * @param registries the registries to search (empty or {@code all}: every configured one)
 * @param maxLatencyMs the p50 latency at batch 1 a model may take here, or -1 for no limit
 * @param maxSizeBytes the size a model may have, or -1 for no limit
 * @param minAccuracy the stated accuracy a model must reach (a fraction; 0.9 or 90), or -1
 * @param license the license a model's registry must state (case-insensitive), or null
 * @param top how many recommendations to give
 * @param maxCandidates how many of the search's candidates to weigh (pull and measure) at most
 * @param measure whether to measure latencies the cache lacks ({@code --no-measure}: estimate)
 * @param harness the timing settings, the same for every model
 */
public record RecommendQuery(
    String task,
    List<String> registries,
    double maxLatencyMs,
    long maxSizeBytes,
    double minAccuracy,
    String license,
    Prefer prefer,
    int top,
    int maxCandidates,
    boolean measure,
    Comparer.Harness harness) {

  /** The objective. */
  public enum Prefer {
    /** The most accurate that meets the constraints (the default). */
    ACCURACY,
    /** The fastest that meets the constraints and the accuracy floor. */
    LATENCY,
    /** The smallest that meets them. */
    SIZE;

    public static Prefer parse(String text) {
      try {
        return valueOf(text.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw GpuxException.invalidInput(
            "--prefer " + text + " is not an objective", "use accuracy, latency or size");
      }
    }

    public String word() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public RecommendQuery {
    registries = registries == null ? List.of() : List.copyOf(registries);
    prefer = prefer == null ? Prefer.ACCURACY : prefer;
    harness = harness == null ? new Comparer.Harness(5, 50) : harness;
    if (task == null || task.isBlank()) {
      throw GpuxException.invalidInput("recommend needs a task", "e.g. --task text-classification");
    }
    if (top < 1) {
      throw GpuxException.invalidInput("--top " + top + " is not positive", "e.g. --top 3");
    }
    if (maxCandidates < 1) {
      throw GpuxException.invalidInput(
          "--max-candidates " + maxCandidates + " is not positive", "e.g. --max-candidates 20");
    }
    if (maxLatencyMs != -1 && !(maxLatencyMs > 0)) {
      throw GpuxException.invalidInput(
          "--max-latency-ms " + maxLatencyMs + " is not a positive time",
          "e.g. --max-latency-ms 5");
    }
    if (minAccuracy != -1 && !(minAccuracy >= 0 && minAccuracy <= 100)) {
      throw GpuxException.invalidInput(
          "--min-accuracy " + minAccuracy + " is not an accuracy",
          "give a fraction (0.9) or a percentage (90)");
    }
    if (minAccuracy > 1) {
      minAccuracy = minAccuracy / 100; // a percentage, as people write it
    }
  }

  /** A query for {@code task} with no constraints, the default objective and settings. */
  public static RecommendQuery of(String task) {
    return new RecommendQuery(
        task, List.of(), -1, -1, -1, null, Prefer.ACCURACY, 3, 20, true, null);
  }
}
