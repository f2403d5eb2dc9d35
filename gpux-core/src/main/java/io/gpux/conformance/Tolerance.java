package io.gpux.conformance;

import io.gpux.error.GpuxException;

/**
 * How far an output may be from its expected value: {@code |actual - expected| <= atol + rtol *
 * |expected|}, element by element, as numpy's {@code assert_allclose} decides (NaN equals NaN).
 *
 * @param rtol relative tolerance
 * @param atol absolute tolerance
 */
public record Tolerance(double rtol, double atol) {
  /** ONNX's backend tests' defaults ({@code onnx.backend.test.runner}): rtol 1e-3, atol 1e-7. */
  public static final Tolerance DEFAULT = new Tolerance(1e-3, 1e-7);

  public Tolerance {
    if (!(rtol >= 0) || !(atol >= 0) || Double.isInfinite(rtol) || Double.isInfinite(atol)) {
      throw GpuxException.invalidInput(
          "tolerances must be finite and not negative (rtol " + rtol + ", atol " + atol + ")",
          "e.g. --rtol 1e-3 --atol 1e-7 (the defaults)");
    }
  }

  boolean accepts(double actual, double expected) {
    if (Double.isNaN(actual) || Double.isNaN(expected)) {
      return Double.isNaN(actual) && Double.isNaN(expected);
    }
    if (Double.isInfinite(actual) || Double.isInfinite(expected)) {
      return actual == expected;
    }
    return Math.abs(actual - expected) <= atol + rtol * Math.abs(expected);
  }
}
