package io.gpux.registry;

import io.gpux.project.OnnxProjectGenerator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** A file a registry makes from the downloaded ones, e.g. a generated gpux.yml. */
public record DerivedFile(String path, byte[] content, String how) {
  /**
   * A gpux.yml generated from the model's ONNX file (the one with the shortest path), unless the
   * model brings its own or has no ONNX file.
   *
   * @param title the registry as people call it, for the project's description
   * @param reference the exact reference pulled, recorded as the project's source
   */
  public static List<DerivedFile> generatedProject(
      ResolvedModel model, Map<String, Path> files, String title, String reference, String how) {
    String onnx = OnnxProjectGenerator.mainOnnxFile(files.keySet());
    if (files.containsKey("gpux.yml") || onnx == null) {
      return List.of();
    }
    String yaml =
        OnnxProjectGenerator.generate(
            new OnnxProjectGenerator.Source(title, reference),
            model.name(),
            model.version(),
            onnx,
            files,
            model.lineage());
    return List.of(new DerivedFile("gpux.yml", yaml.getBytes(StandardCharsets.UTF_8), how));
  }
}
