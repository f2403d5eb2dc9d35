package io.gpux.cli;

/**
 * The exit codes of {@code gpux}, so scripts can tell bad input from a broken machine or a bug. A
 * failure's code comes from its {@link io.gpux.error.ErrorCategory} (one place for the mapping);
 * the constants here are the codes the CLI itself returns.
 *
 * <ul>
 *   <li>0: success
 *   <li>1: the model ran and failed (ONNX Runtime rejected an input that looked valid)
 *   <li>2: bad input: a usage error, a config error, a missing file, a wrong tensor
 *   <li>3: something the machine lacks: a provider, a native library
 *   <li>4: an internal error in GPUX (a bug: please report it with the --debug output)
 * </ul>
 */
final class ExitCodes {
  static final int OK = 0;

  /** A usage error picocli found (unknown option, missing argument): bad input. */
  static final int USAGE = io.gpux.error.ErrorCategory.INVALID_INPUT.exitCode();

  /** An exception that is no {@link io.gpux.error.GpuxException}: a bug. */
  static final int INTERNAL = io.gpux.error.ErrorCategory.INTERNAL.exitCode();

  private ExitCodes() {}
}
