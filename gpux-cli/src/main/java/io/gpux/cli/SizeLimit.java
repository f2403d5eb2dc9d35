package io.gpux.cli;

import io.gpux.error.GpuxException;
import io.gpux.units.ByteSizes;

/**
 * The {@code --max-size} value that {@code gpux search} and {@code gpux recommend} share: one
 * parser and one error, so both commands accept and refuse the same sizes.
 */
final class SizeLimit {
  private SizeLimit() {}

  /** The limit in bytes, or -1 for none; a value that is not a size is bad input. */
  static long bytes(String option, String value) {
    if (value == null) {
      return -1;
    }
    return ByteSizes.parse(value)
        .orElseThrow(
            () ->
                GpuxException.invalidInput(
                    option + " " + value + " is not a size",
                    "write a number with an optional unit: 500KB, 100MB, 2GB"));
  }
}
