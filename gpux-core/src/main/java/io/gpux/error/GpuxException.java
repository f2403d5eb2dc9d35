package io.gpux.error;

import java.util.Objects;

/**
 * The one exception type the library throws for anything a user can act on.
 *
 * <p>It carries a <em>problem</em> (what went wrong, naming the thing: the file, the field, the
 * input), a <em>hint</em> (the fix, as a command or an edit when one exists) and a {@link
 * ErrorCategory} that front ends map to exit codes or HTTP statuses. Messages never contain
 * credentials.
 */
public class GpuxException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCategory category;
  private final String hint;
  private String topic;

  public GpuxException(ErrorCategory category, String problem, String hint) {
    this(category, problem, hint, null);
  }

  public GpuxException(ErrorCategory category, String problem, String hint, Throwable cause) {
    super(Objects.requireNonNull(problem, "problem"), cause);
    this.category = Objects.requireNonNull(category, "category");
    this.hint = hint;
  }

  /** Bad input from the user: a config field, an input tensor, a path, a flag value. */
  public static GpuxException invalidInput(String problem, String hint) {
    return new GpuxException(ErrorCategory.INVALID_INPUT, problem, hint);
  }

  public static GpuxException notFound(String problem, String hint) {
    return new GpuxException(ErrorCategory.NOT_FOUND, problem, hint);
  }

  public static GpuxException unavailable(String problem, String hint) {
    return new GpuxException(ErrorCategory.UNAVAILABLE, problem, hint);
  }

  /**
   * Names the troubleshooting entry for this error: the message its entry is indexed by (the
   * heading in docs/troubleshooting.md, {@code ...} for the parts that vary), for an error whose
   * own message does not start with those words. Without one, front ends find the entry by the
   * message, then by the category.
   */
  public GpuxException withTopic(String entry) {
    this.topic = Objects.requireNonNull(entry, "entry");
    return this;
  }

  /** The troubleshooting entry named by {@link #withTopic}, or null. */
  public String topic() {
    return topic;
  }

  public ErrorCategory category() {
    return category;
  }

  /** What to do about it; null when there is nothing better to say than the problem itself. */
  public String hint() {
    return hint;
  }

  public String problem() {
    return getMessage();
  }
}
