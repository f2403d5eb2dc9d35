package io.gpux.convert;

import io.gpux.error.GpuxException;
import io.gpux.registry.Conversion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code gpux pull --convert}: the pull's converter hook ({@link io.gpux.registry.ModelConverter})
 * as a {@link ModelConverter} conversion, so a pulled model is converted and checked exactly as
 * {@code gpux convert} would, and its record lands in the version's lineage.
 *
 * <p>The store keeps files by digest, so the verified originals are linked under their own names
 * into a folder first (a Transformers model is a folder of named files).
 */
public final class PullConverter implements io.gpux.registry.ModelConverter {
  private final ModelConverter converter;
  private final ConvertOptions options;

  /**
   * @param options the task ({@code --task}) and trust ({@code --trust}) the user gave; framework
   *     and output come from the pull
   */
  public PullConverter(ModelConverter converter, ConvertOptions options) {
    this.converter = converter;
    this.options = options;
  }

  @Override
  public Converted convert(Conversion conversion, Map<String, Path> files, Path workDir) {
    Path source = workDir.resolve("source");
    try {
      for (Map.Entry<String, Path> f : files.entrySet()) {
        Path link = source.resolve(f.getKey()).normalize();
        if (!link.startsWith(source)) {
          continue; // the store checked every path already; never outside the folder
        }
        Files.createDirectories(link.getParent());
        try {
          Files.createSymbolicLink(link, f.getValue().toAbsolutePath());
        } catch (UnsupportedOperationException | IOException noLinks) {
          Files.copy(f.getValue(), link);
        }
      }
    } catch (IOException e) {
      throw GpuxException.unavailable(
          "cannot lay out the downloaded files for conversion: " + e.getMessage(),
          "check GPUX_HOME's disk");
    }
    ConvertOptions o =
        options
            .withFramework(conversion.framework())
            .withOutputDir(workDir.resolve("onnx"))
            .withTask(options.task(), conversion.declaredTask());
    io.gpux.convert.Conversion c = converter.convert(source, o, ConvertListener.NONE);
    Map<String, String> lineage =
        new LinkedHashMap<>(c.record().withSource(conversion.reference()).toLineage());
    return new Converted(Map.of("model.onnx", c.modelFile()), lineage);
  }
}
