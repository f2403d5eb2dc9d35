/**
 * {@code gpux convert}: models of other frameworks (TensorFlow SavedModels, Keras, TFLite) turned
 * into checked ONNX projects.
 *
 * <p>The converters are the frameworks' own Python tools (tf2onnx), run in a Python subprocess
 * inside a managed environment ({@link PythonEnvironments}), never in the JVM: TensorFlow has no
 * maintained Java binding, a framework's import costs hundreds of MB and seconds that a running
 * {@code gpux serve} must not pay, and a converter that crashes or leaks takes only its own process
 * down. The environment is created once under {@code GPUX_HOME/python/} from requirements pinned in
 * GPUX itself, so every machine converts with the same versions.
 *
 * <p>Every conversion is checked before anything is kept: the ONNX model (onnxruntime) and the
 * original framework run the same seeded random inputs and the largest differences per output must
 * be within a tolerance ({@link ConversionRecord}). Frameworks are {@link Framework} strategies,
 * each naming its environment and driver, so more (PyTorch, scikit-learn) join without changing the
 * converter.
 */
package io.gpux.convert;
