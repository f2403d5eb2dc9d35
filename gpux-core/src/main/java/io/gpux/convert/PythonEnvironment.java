package io.gpux.convert;

import io.gpux.digest.Sha256;
import io.gpux.error.ErrorCategory;
import io.gpux.error.GpuxException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;

/**
 * One managed Python environment: a name and the pinned requirements it is installed from. The
 * installed copy lives under {@code GPUX_HOME/python/<name>-<sha256 prefix of the requirements>},
 * so changed pins make a new environment instead of patching an old one.
 *
 * @param name the environment's name ({@code tensorflow}); also the suffix of the variable that
 *     points at an existing one ({@code GPUX_PYTHON_ENV_TENSORFLOW})
 * @param requirements the pinned requirements file's text (pip's format)
 */
public record PythonEnvironment(String name, String requirements) {

  /**
   * TensorFlow, Keras and TFLite with tf2onnx and onnxruntime (python/requirements-tensorflow.txt).
   */
  public static final PythonEnvironment TENSORFLOW =
      fromResource("tensorflow", "requirements-tensorflow.txt");

  /**
   * PyTorch (with torchvision, onnxscript for the torch.export-based exporter), Transformers and
   * scikit-learn with skl2onnx (python/requirements-pytorch.txt): one environment, because their
   * pins agree and a second copy of torch would cost another few GB.
   */
  public static final PythonEnvironment PYTORCH =
      fromResource("pytorch", "requirements-pytorch.txt");

  public PythonEnvironment {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(requirements, "requirements");
    if (!name.matches("[a-z][a-z0-9-]*")) {
      throw new IllegalArgumentException("environment name " + name);
    }
  }

  /** An environment whose requirements ship with GPUX beside this class. */
  static PythonEnvironment fromResource(String name, String resource) {
    return new PythonEnvironment(name, resource(resource));
  }

  static String resource(String resource) {
    try (InputStream in = PythonEnvironment.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new GpuxException(
            ErrorCategory.INTERNAL,
            "this GPUX was built without io/gpux/convert/" + resource,
            "rebuild it with Maven (gpux-core copies python/" + resource + " in)");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new GpuxException(ErrorCategory.INTERNAL, "cannot read " + resource, null, e);
    }
  }

  /** The SHA-256 of the requirements, hex: what the installed folder is keyed by. */
  public String sha256() {
    return Sha256.hex(requirements.getBytes(StandardCharsets.UTF_8));
  }

  /** {@code tensorflow-<first 16 hex digits>}: the folder under {@code GPUX_HOME/python}. */
  public String folderName() {
    return name + "-" + sha256().substring(0, 16);
  }

  /** The variable that points at an existing environment instead: {@code GPUX_PYTHON_ENV_NAME}. */
  public String overrideVariable() {
    return "GPUX_PYTHON_ENV_" + name.toUpperCase(Locale.ROOT).replace('-', '_');
  }
}
