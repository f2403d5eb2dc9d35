package io.gpux.cli;

/**
 * The exit codes of {@code gpux}, so scripts can tell bad input from a broken machine or a bug.
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
  static final int USAGE = 2;
  static final int INTERNAL = 4;

  private ExitCodes() {}
}
