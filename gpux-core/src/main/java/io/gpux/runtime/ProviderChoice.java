package io.gpux.runtime;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Which provider a session runs on, and what was tried before it. {@link #summary()} is the one
 * line the CLI prints so nobody has to guess where a model ran.
 */
public record ProviderChoice(ExecutionProvider chosen, List<Attempt> failedAttempts) {

  public ProviderChoice {
    failedAttempts = List.copyOf(failedAttempts);
  }

  /** A provider that was wanted but could not be used, and why. */
  public record Attempt(ExecutionProvider provider, String reason) {}

  public boolean fellBack() {
    return !failedAttempts.isEmpty();
  }

  public String summary() {
    String line = "provider: " + chosen.ortName();
    if (failedAttempts.isEmpty()) {
      return line;
    }
    return line
        + " (fell back: "
        + failedAttempts.stream()
            .map(a -> a.provider().shortName() + ": " + a.reason())
            .collect(Collectors.joining("; "))
        + ")";
  }
}
