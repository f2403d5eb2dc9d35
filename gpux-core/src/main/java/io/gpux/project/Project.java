package io.gpux.project;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A model ready to load: its configuration, where that came from, and the resolved paths of the
 * model file and of its tokenizer.
 *
 * @param configFile the gpux.yml, or null when the project was made from a bare ONNX file
 * @param directory the folder that relative paths in the config are resolved against
 * @param warnings what the config parser reported (unknown fields and the like)
 */
public record Project(
    ProjectConfig config, Path configFile, Path directory, List<ConfigWarning> warnings) {

  public Project {
    warnings = List.copyOf(warnings);
  }

  public String name() {
    return config.name();
  }

  public Path modelFile() {
    return directory.resolve(config.model().source()).normalize();
  }

  /**
   * The tokenizer.json to use for text inputs: the one gpux.yml names under {@code
   * preprocessing.tokenizer} when it is a file, otherwise a {@code tokenizer.json} beside the model
   * (where Hugging Face repositories keep it). Empty when neither exists.
   */
  public Optional<Path> tokenizerFile() {
    String declared = config.preprocessing().tokenizer();
    if (declared != null) {
      Path p = directory.resolve(declared).normalize();
      if (Files.isRegularFile(p)) {
        return Optional.of(p);
      }
      if (Files.isDirectory(p) && Files.isRegularFile(p.resolve("tokenizer.json"))) {
        return Optional.of(p.resolve("tokenizer.json"));
      }
    }
    Path parent = modelFile().getParent();
    Path beside = (parent == null ? directory : parent).resolve("tokenizer.json");
    return Files.isRegularFile(beside) ? Optional.of(beside) : Optional.empty();
  }

  /** The tokenizer that gpux.yml names, even when it is missing (to say so in errors). */
  public Optional<String> declaredTokenizer() {
    return Optional.ofNullable(config.preprocessing().tokenizer());
  }
}
