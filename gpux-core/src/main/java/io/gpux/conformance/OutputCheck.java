package io.gpux.conformance;

/**
 * One output of one data set against its expected tensor.
 *
 * @param name the model's output name
 * @param passed whether every element is within the tolerance (and type and shape match)
 * @param maxAbsolute the largest {@code |actual - expected|}, or NaN when not compared
 * @param maxRelative the largest {@code |actual - expected| / |expected|} over elements whose
 *     expected value is not 0, or NaN when not compared
 * @param mismatched how many elements are outside the tolerance
 * @param elements how many elements were compared
 * @param problem why it failed before values were compared (type, shape), else null
 */
public record OutputCheck(
    String name,
    boolean passed,
    double maxAbsolute,
    double maxRelative,
    long mismatched,
    long elements,
    String problem) {}
