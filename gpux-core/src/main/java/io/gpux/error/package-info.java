/**
 * What goes wrong, for every package: {@link io.gpux.error.GpuxException} carries a problem, a hint
 * that names the fix and an {@link io.gpux.error.ErrorCategory} the CLI maps to an exit code. It
 * depends on nothing else in GPUX, so every package can use it without a cycle.
 */
package io.gpux.error;
