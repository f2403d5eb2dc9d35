package io.gpux.project;

import io.gpux.error.GpuxException;
import io.gpux.project.ProjectConfig.ModelSection;
import io.gpux.project.ProjectConfig.PreprocessingSection;
import io.gpux.project.ProjectConfig.RuntimeSection;
import io.gpux.project.ProjectConfig.ServingSection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Turns what the user typed ({@code gpux run <this>}) into a {@link Project}.
 *
 * <p>Order: an existing path wins (a project folder, a gpux.yml, or a bare .onnx file or a folder
 * holding one); otherwise a name is matched against the {@code name:} of gpux.yml in the working
 * directory and in its direct subfolders. Unlike the Python GPUX, a gpux.yml in the working
 * directory is used only when its name matches: {@code gpux run x} never silently runs another
 * model.
 */
public final class ProjectLocator {
  static final List<String> CONFIG_NAMES = List.of("gpux.yml", "gpux.yaml");

  private final Path workingDirectory;

  public ProjectLocator(Path workingDirectory) {
    this.workingDirectory = workingDirectory.toAbsolutePath().normalize();
  }

  public Project locate(String reference) {
    if (reference == null || reference.isBlank()) {
      throw GpuxException.invalidInput(
          "no model given", "name a project folder, a gpux.yml or an .onnx file");
    }
    Path path = workingDirectory.resolve(reference).normalize();
    if (Files.isDirectory(path)) {
      return fromDirectory(path);
    }
    if (Files.isRegularFile(path)) {
      return isYaml(path) ? fromConfig(path) : fromModelFile(path);
    }
    if (looksLikePath(reference)) {
      throw GpuxException.notFound(
          "no such file or folder: " + reference,
          "check the path; a project is a folder with a gpux.yml, or an .onnx file");
    }
    return byName(reference);
  }

  /** Parses a gpux.yml file into a project. */
  public static Project fromConfig(Path configFile) {
    List<ConfigWarning> warnings = new ArrayList<>();
    Path file = configFile.toAbsolutePath().normalize();
    ProjectConfig config = ProjectConfigParser.parse(file, warnings::add);
    return new Project(config, file, file.getParent(), warnings);
  }

  /** A project for a bare ONNX file: its name is the file name, its signature the model's own. */
  public static Project fromModelFile(Path modelFile) {
    Path file = modelFile.toAbsolutePath().normalize();
    String fileName = file.getFileName().toString();
    String stem =
        fileName.contains(".") ? fileName.substring(0, fileName.lastIndexOf('.')) : fileName;
    ProjectConfig config =
        new ProjectConfig(
            stem,
            "1.0.0",
            null,
            new ModelSection(fileName, "onnx", null),
            List.of(),
            List.of(),
            RuntimeSection.defaults(),
            ServingSection.defaults(),
            PreprocessingSection.defaults(),
            Map.of());
    return new Project(config, null, file.getParent(), List.of());
  }

  /** A project folder: its gpux.yml, else its single (or model.onnx) ONNX file. */
  public static Project fromDirectory(Path dir) {
    for (String name : CONFIG_NAMES) {
      if (Files.isRegularFile(dir.resolve(name))) {
        return fromConfig(dir.resolve(name));
      }
    }
    List<Path> models = onnxFiles(dir);
    if (models.size() == 1) {
      return fromModelFile(models.get(0));
    }
    if (Files.isRegularFile(dir.resolve("model.onnx"))) {
      return fromModelFile(dir.resolve("model.onnx"));
    }
    throw GpuxException.notFound(
        dir
            + " has no gpux.yml"
            + (models.isEmpty() ? " and no .onnx file" : " and several .onnx files"),
        "add a gpux.yml naming the model (model: {source: ./model.onnx}), or give the .onnx file");
  }

  private Project byName(String name) {
    List<Path> candidates = new ArrayList<>();
    for (String configName : CONFIG_NAMES) {
      candidates.add(workingDirectory.resolve(configName));
    }
    try (Stream<Path> children = Files.list(workingDirectory)) {
      children
          .filter(Files::isDirectory)
          .sorted()
          .forEach(d -> CONFIG_NAMES.forEach(c -> candidates.add(d.resolve(c))));
    } catch (IOException e) {
      // An unreadable working directory simply has no candidates.
    }
    for (Path candidate : candidates) {
      if (Files.isRegularFile(candidate) && name.equals(quickName(candidate))) {
        return fromConfig(candidate);
      }
    }
    throw GpuxException.notFound(
        "no model named '" + name + "' in " + workingDirectory,
        "give the project's folder (gpux run ./" + name + "), a gpux.yml or an .onnx file");
  }

  /**
   * The project name, or null when the file does not parse: a broken neighbour is not our problem.
   */
  private static String quickName(Path config) {
    try {
      return ProjectConfigParser.parse(config, w -> {}).name();
    } catch (GpuxException e) {
      return null;
    }
  }

  private static List<Path> onnxFiles(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".onnx")).sorted().toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  private static boolean isYaml(Path p) {
    String n = p.getFileName().toString();
    return n.endsWith(".yml") || n.endsWith(".yaml");
  }

  private static boolean looksLikePath(String reference) {
    return reference.contains("/")
        || reference.contains("\\")
        || reference.endsWith(".onnx")
        || isYaml(Path.of(reference));
  }
}
