package io.gpux.monitor;

import java.time.Instant;
import java.util.List;

/**
 * One finding over the history, never a vague warning: what was seen, with numbers, the evidence it
 * rests on (and the time range the dashboard shows it in), and what to do about it.
 *
 * @param rule the rule's name ({@code regression}, {@code queue-dominates}, ...)
 * @param model the model name (null: the whole server or store)
 * @param title one line with the numbers, e.g. "p99 rose 38% (4.1 → 5.7 ms) since 4 replaced 3"
 * @param evidence the measurements behind it, one per line
 * @param action the command or setting that acts on it
 * @param from the evidence's time range (null when it is not a time range: a stored model)
 */
public record Insight(
    String rule,
    Severity severity,
    String model,
    String version,
    String title,
    List<String> evidence,
    String action,
    Instant from,
    Instant to) {

  /** How urgent it is. */
  public enum Severity {
    /** Requests are slower or failing now. */
    WARNING,
    /** Something could be better: capacity, disk, versions. */
    ADVICE
  }
}
