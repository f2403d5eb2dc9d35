package io.gpux.convert;

import java.nio.file.Path;

/**
 * A finished, checked conversion.
 *
 * @param project the ONNX project folder (model.onnx, gpux.yml, .gpux/conversion.json)
 * @param modelFile its model.onnx
 * @param record what was converted with what, and the check's differences
 */
public record Conversion(Path project, Path modelFile, ConversionRecord record) {}
