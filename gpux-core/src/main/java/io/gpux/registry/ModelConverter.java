package io.gpux.registry;

import java.nio.file.Path;
import java.util.Map;

/**
 * Turns a pulled model that is not ONNX (a TensorFlow SavedModel, a Keras or TFLite file) into
 * ONNX, after its original files are downloaded and verified. Found with {@link
 * java.util.ServiceLoader} ({@code META-INF/services/io.gpux.registry.ModelConverter}), so the
 * registries that meet such models and the converter do not depend on each other; without one, a
 * pull that needs it stops before fetching a byte and says so.
 */
public interface ModelConverter {
  /**
   * Whether this converter takes such models (its frameworks); a pull of one it does not take is
   * refused before a byte is fetched, as without a converter.
   */
  default boolean converts(Conversion conversion) {
    return true;
  }

  /**
   * Converts.
   *
   * @param conversion what the files are
   * @param files each path in the model to its verified bytes (read-only)
   * @param workDir an empty folder for the results, on the store's disk
   * @return the files to add to the version (at least one {@code .onnx}) and lineage entries that
   *     say how they were made (converter, version, opset, the check's differences)
   * @throws io.gpux.error.GpuxException when it cannot convert, or the check of the result fails
   */
  Converted convert(Conversion conversion, Map<String, Path> files, Path workDir);

  /**
   * @param files path in the model to the file made in the work folder
   * @param lineage how they were made
   */
  record Converted(Map<String, Path> files, Map<String, String> lineage) {
    public Converted {
      files = Map.copyOf(files);
      lineage = Map.copyOf(lineage);
    }
  }
}
