package io.gpux.convert;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * A framework GPUX converts from: how its models look on disk, the Python environment that has its
 * converter, and the driver script that runs it. New frameworks (PyTorch, Transformers,
 * scikit-learn) are new instances in {@link #ALL}, each with its own environment when its pins
 * conflict with the others'.
 *
 * @param name what {@code --framework} takes
 * @param description what its models are, for help and errors
 * @param locate the model file or folder inside a path given by the user, or null when the path is
 *     no model of this framework
 * @param environment the managed environment its converter runs in
 * @param driver the driver script, a resource beside this class
 * @param defaultOpset the opset converted to when none is asked for: the lowest the converter fully
 *     supports (torch's exporter starts at 18)
 */
public record Framework(
    String name,
    String description,
    Function<Path, Path> locate,
    PythonEnvironment environment,
    String driver,
    int defaultOpset) {

  public Framework(
      String name,
      String description,
      Function<Path, Path> locate,
      PythonEnvironment environment,
      String driver) {
    this(name, description, locate, environment, driver, ConvertOptions.DEFAULT_OPSET);
  }

  /** One driver for every framework; it imports each framework's module only when asked. */
  private static final String TF_DRIVER = "convert_driver.py";

  public static final Framework TENSORFLOW =
      new Framework(
          "tensorflow",
          "a TensorFlow SavedModel (a folder with saved_model.pb)",
          p -> Files.isRegularFile(p.resolve("saved_model.pb")) ? p : null,
          PythonEnvironment.TENSORFLOW,
          TF_DRIVER);

  public static final Framework KERAS =
      new Framework(
          "keras",
          "a Keras model (.keras, or HDF5 .h5)",
          p -> single(p, ".keras", ".h5"),
          PythonEnvironment.TENSORFLOW,
          TF_DRIVER);

  public static final Framework TFLITE =
      new Framework(
          "tflite",
          "a TensorFlow Lite model (.tflite)",
          p -> single(p, ".tflite"),
          PythonEnvironment.TENSORFLOW,
          TF_DRIVER);

  /**
   * A TorchScript file (torch.jit.save; .pt, .pth), or an unpacked PyTorch Hub repository (a folder
   * with hubconf.py) whose entrypoint builds the model: that runs the repository's code, so it
   * needs trust ({@link ConvertOptions#trust()}).
   */
  public static final Framework PYTORCH =
      new Framework(
          "pytorch",
          "a TorchScript file (.pt, .pth) or a PyTorch Hub repository (a folder with hubconf.py)",
          p -> isHubRepository(p) ? p : single(p, ".pt", ".pth"),
          PythonEnvironment.PYTORCH,
          TF_DRIVER,
          18);

  /** A folder with a hubconf.py: a PyTorch Hub repository, whose entrypoints are code. */
  public static boolean isHubRepository(Path p) {
    return Files.isDirectory(p) && Files.isRegularFile(p.resolve("hubconf.py"));
  }

  /**
   * A Transformers model folder as {@code save_pretrained} writes it: config.json and its weights
   * (safetensors, or pickle {@code .bin} files that need {@code --trust}).
   */
  public static final Framework TRANSFORMERS =
      new Framework(
          "transformers",
          "a Transformers model folder (config.json with .safetensors or pytorch_model.bin"
              + " weights, as save_pretrained writes it)",
          p ->
              Files.isRegularFile(p.resolve("config.json")) && weights(p) != Weights.NONE
                  ? p
                  : null,
          PythonEnvironment.PYTORCH,
          TF_DRIVER,
          18);

  /** A pickled or joblib scikit-learn estimator or pipeline: always code, so always trusted. */
  public static final Framework SKLEARN =
      new Framework(
          "sklearn",
          "a pickled scikit-learn estimator or pipeline (.pkl, .pickle or .joblib)",
          p -> single(p, ".pkl", ".pickle", ".joblib"),
          PythonEnvironment.PYTORCH,
          TF_DRIVER,
          18);

  /** What weights a Transformers folder has. */
  enum Weights {
    SAFETENSORS,
    PICKLE_ONLY,
    NONE
  }

  static Weights weights(Path folder) {
    if (!Files.isDirectory(folder)) {
      return Weights.NONE;
    }
    try (Stream<Path> s = Files.list(folder)) {
      List<String> names = s.map(f -> f.getFileName().toString()).toList();
      if (names.stream().anyMatch(n -> n.endsWith(".safetensors"))) {
        return Weights.SAFETENSORS;
      }
      return names.stream().anyMatch(n -> n.startsWith("pytorch_model") && n.endsWith(".bin"))
          ? Weights.PICKLE_ONLY
          : Weights.NONE;
    } catch (IOException e) {
      return Weights.NONE;
    }
  }

  /**
   * Why loading {@code model} runs code (a pickle), or null when it does not: such a model is
   * converted only with {@code --trust}.
   */
  public String untrustedBecause(Path model) {
    if (name.equals("sklearn")) {
      return model.getFileName() + " is a pickle, and loading a pickle runs code";
    }
    if (name.equals("transformers") && weights(model) == Weights.PICKLE_ONLY) {
      return model.getFileName()
          + " has only pickle weights (pytorch_model*.bin, no .safetensors), and loading a"
          + " pickle runs code";
    }
    return null;
  }

  /**
   * Files of the model beside the weights that the converted project keeps: the tokenizer (so text
   * inputs work as for an ONNX repository) and config.json (its id2label become the labels).
   */
  public List<String> companions() {
    return name.equals("transformers") ? COMPANIONS : List.of();
  }

  static final List<String> COMPANIONS =
      List.of(
          "config.json",
          "tokenizer.json",
          "tokenizer_config.json",
          "special_tokens_map.json",
          "vocab.txt",
          "merges.txt",
          "generation_config.json");

  /**
   * In detection order: a SavedModel folder may also hold a .tflite export of itself; a hub
   * repository is recognised by its hubconf.py before any single .pt file in it; a Transformers
   * folder by its config.json and weights.
   */
  public static final List<Framework> ALL =
      List.of(TENSORFLOW, KERAS, TFLITE, PYTORCH, TRANSFORMERS, SKLEARN);

  /** The framework named {@code name} (case-insensitive), or null. */
  public static Framework named(String name) {
    for (Framework f : ALL) {
      if (f.name.equalsIgnoreCase(name.trim())) {
        return f;
      }
    }
    return null;
  }

  /** The names, for errors and help: {@code tensorflow, keras, tflite, ...}. */
  public static String names() {
    return String.join(", ", ALL.stream().map(Framework::name).toList());
  }

  /**
   * The path itself when it is a file with one of the suffixes, or the one such file in a folder
   * (several are ambiguous: the user names the file).
   */
  static Path single(Path p, String... suffixes) {
    if (Files.isRegularFile(p)) {
      return hasSuffix(p, suffixes) ? p : null;
    }
    if (!Files.isDirectory(p)) {
      return null;
    }
    try (Stream<Path> s = Files.list(p)) {
      List<Path> found = s.filter(f -> Files.isRegularFile(f) && hasSuffix(f, suffixes)).toList();
      return found.size() == 1 ? found.get(0) : null;
    } catch (IOException e) {
      return null;
    }
  }

  private static boolean hasSuffix(Path p, String... suffixes) {
    String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
    for (String s : suffixes) {
      if (n.endsWith(s)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return name;
  }
}
