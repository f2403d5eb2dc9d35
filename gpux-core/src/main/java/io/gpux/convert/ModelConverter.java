package io.gpux.convert;

import com.fasterxml.jackson.databind.JsonNode;
import io.gpux.config.GpuxSettings;
import io.gpux.error.ErrorCategory;
import io.gpux.error.GpuxException;
import io.gpux.json.Json;
import io.gpux.project.OnnxProjectGenerator;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code gpux convert} as a library call ({@code gpux.convert()}): a framework's model in, a
 * checked ONNX project (model.onnx, a generated gpux.yml and {@code .gpux/conversion.json}) out.
 *
 * <pre>{@code
 * Conversion c = gpux.convert().convert(Path.of("saved_model"), ConvertOptions.defaults(), l);
 * c.project();               // saved_model-onnx/, ready for gpux run
 * c.record().toLineage();    // converter, opset, shapes, differences: for a pulled model's lineage
 * }</pre>
 *
 * A conversion whose check fails keeps nothing: the project is written in a temporary folder beside
 * the output and renamed into place only after the check passed.
 */
public final class ModelConverter {
  /**
   * Test hook: {@code 1} makes the driver shift one initializer of the converted model before the
   * check, so a test sees the real check fail. Never set it otherwise.
   */
  public static final String TAMPER_VARIABLE = "GPUX_CONVERT_TEST_TAMPER";

  /**
   * The driver's Python modules, resources beside this class, copied together into the work folder
   * so a driver can import the framework modules beside it (one module per framework family keeps
   * the TensorFlow driver free of torch imports and the other way round).
   */
  static final List<String> DRIVER_MODULES =
      List.of(
          "convert_driver.py",
          "convert_common.py",
          "torch_export.py",
          "torch_models.py",
          "transformers_export.py",
          "sklearn_export.py");

  private static final String DRIVER_PREFIX = "gpux-convert: ";

  private final GpuxSettings settings;
  private final Path workingDirectory;
  private final String gpuxVersion;
  private final PythonEnvironments environments;

  public ModelConverter(GpuxSettings settings, Path workingDirectory, String gpuxVersion) {
    this.settings = settings;
    this.workingDirectory = workingDirectory;
    this.gpuxVersion = gpuxVersion;
    this.environments = new PythonEnvironments(settings);
  }

  public PythonEnvironments environments() {
    return environments;
  }

  /**
   * {@code gpux convert --setup}: installs the framework's environment now (nothing when it is
   * there) and returns its Python.
   */
  public Path setup(Framework framework, ConvertListener listener) {
    return environments.ensure(framework.environment(), listener);
  }

  /** The framework {@code name} names, or a bad-input error listing the known ones. */
  public static Framework framework(String name) {
    Framework f = Framework.named(name);
    if (f == null) {
      throw GpuxException.invalidInput(
          "unknown framework '" + name + "'", "use --framework " + Framework.names());
    }
    return f;
  }

  /**
   * The framework whose model {@code source} is, or a bad-input error saying what was looked for.
   */
  public static Framework detect(Path source) {
    return detect(source, source.toString());
  }

  private static Framework detect(Path source, String shown) {
    for (Framework f : Framework.ALL) {
      if (f.locate().apply(source) != null) {
        return f;
      }
    }
    throw GpuxException.invalidInput(
        shown
            + " is no model GPUX can convert (no saved_model.pb, no single .keras, .h5, .tflite,"
            + " .pt, .pth, .pkl or .joblib file, no hubconf.py, no config.json with weights)",
        "give a TensorFlow SavedModel folder, a .keras, .h5 or .tflite file, a TorchScript .pt"
            + " file, a PyTorch Hub repository folder, a Transformers save_pretrained folder or a"
            + " pickled scikit-learn model; or name the framework with --framework "
            + Framework.names());
  }

  /** Converts {@code source} (relative paths against the working directory) and checks it. */
  public Conversion convert(Path source, ConvertOptions options, ConvertListener listener) {
    Path src = workingDirectory.resolve(source).toAbsolutePath().normalize();
    if (!Files.exists(src)) {
      throw GpuxException.notFound(
          "no such file or folder: " + source,
          "give the path of a SavedModel, .keras, .tflite, TorchScript .pt, hub repository,"
              + " Transformers folder or .pkl");
    }
    Framework framework =
        options.framework() == null
            ? detect(src, source.toString())
            : framework(options.framework());
    Path model = framework.locate().apply(src);
    if (model == null) {
      throw GpuxException.invalidInput(
          source + " is not " + framework.description(),
          "give " + framework.description() + ", or leave out --framework to detect it");
    }
    boolean hub = Framework.isHubRepository(model);
    if (hub) {
      checkHub(source, options);
    } else if (options.entrypoint() != null || !options.arguments().isEmpty()) {
      throw GpuxException.invalidInput(
          "--entrypoint and --arg are for a PyTorch Hub repository, and "
              + source
              + " is none (no hubconf.py)",
          "give the repository's folder, or leave them out");
    }
    String untrusted = framework.untrustedBecause(model);
    if (untrusted != null && !options.trust()) {
      throw GpuxException.invalidInput(
          untrusted + ": add --trust to convert it",
          "only if you trust where it came from; docs/convert.md says what --trust allows");
    }
    if (options.task() != null && !framework.equals(Framework.TRANSFORMERS)) {
      throw GpuxException.invalidInput(
          "--task applies to Transformers models, and " + source + " is " + framework.description(),
          "leave out --task");
    }
    Path output = outputFolder(src, options);
    Path python = environments.ensure(framework.environment(), listener);
    Path work = null;
    try {
      Files.createDirectories(output.getParent());
      work = Files.createTempDirectory(output.getParent(), ".gpux-convert-");
      Path project = Files.createDirectories(work.resolve("project"));
      Path driver = work.resolve(framework.driver());
      for (String module : DRIVER_MODULES) {
        try (InputStream in = ModelConverter.class.getResourceAsStream(module)) {
          Files.copy(in, work.resolve(module));
        }
      }
      Path recordFile = work.resolve("record.json");
      List<String> command = new ArrayList<>(List.of(python.toString(), driver.toString()));
      command.addAll(
          List.of(
              "--framework",
              framework.name(),
              "--source",
              model.toString(),
              "--output",
              project.resolve("model.onnx").toString(),
              "--record",
              recordFile.toString(),
              "--opset",
              String.valueOf(options.effectiveOpset(framework)),
              "--atol",
              String.valueOf(options.effectiveAbs()),
              "--rtol",
              String.valueOf(options.effectiveRel())));
      options
          .inputShapes()
          .forEach(
              (k, v) ->
                  command.addAll(List.of("--input-shape", k + "=" + ConvertOptions.format(v))));
      if (hub) {
        command.addAll(List.of("--entrypoint", options.entrypoint()));
        options.arguments().forEach(a -> command.addAll(List.of("--entry-arg", a)));
      }
      if (options.task() != null) {
        command.addAll(List.of("--task", options.task()));
      }
      if (options.declaredTask() != null) {
        command.addAll(List.of("--declared-task", options.declaredTask()));
      }
      if (options.trust() && framework.untrustedBecause(model) != null) {
        command.add("--trust");
      }
      if ("1".equals(settings.env().get(TAMPER_VARIABLE))) {
        command.add("--tamper");
      }
      Map<String, String> env = new HashMap<>(settings.env());
      env.put("PYTHONUNBUFFERED", "1");
      env.put("PYTHONDONTWRITEBYTECODE", "1");
      PythonProcess.Result r =
          PythonProcess.run(
              command,
              env,
              work,
              line -> {
                if (line.startsWith(DRIVER_PREFIX)) {
                  listener.step(line.substring(DRIVER_PREFIX.length()).trim());
                }
              });
      if (r.exitCode() != 0 || !Files.isRegularFile(recordFile)) {
        throw new GpuxException(
            ErrorCategory.RUNTIME_FAILURE,
            "the "
                + framework.name()
                + " converter stopped (exit "
                + r.exitCode()
                + "): "
                + r.shortTail(400),
            "rerun with --debug for nothing more: these are the converter's last lines; if "
                + framework.environment().overrideVariable()
                + " is set, check that environment was made from GPUX's requirements");
      }
      JsonNode driverRecord = Json.mapper().readTree(recordFile.toFile());
      ConversionRecord record =
          ConversionRecord.fromDriver(
              driverRecord,
              source.toString(),
              settings.clock().instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
              gpuxVersion);
      failUnlessPassed(framework, source, driverRecord, record);
      writeProject(project, src, framework, record);
      moveIntoPlace(project, output);
      return new Conversion(output, output.resolve("model.onnx"), record);
    } catch (IOException e) {
      throw new GpuxException(
          ErrorCategory.RUNTIME_FAILURE,
          "cannot write the converted project " + output + ": " + e.getMessage(),
          "check that " + output.getParent() + " is writable",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GpuxException(
          ErrorCategory.RUNTIME_FAILURE, "the conversion was interrupted", null);
    } finally {
      if (work != null) {
        try {
          PythonEnvironments.deleteTree(work);
        } catch (IOException e) {
          // A temporary folder left behind costs disk only; the result stands.
        }
      }
    }
  }

  /**
   * A hub repository's hubconf.py is code that runs in the converter: only with trust, and only
   * with an entrypoint named.
   */
  private static void checkHub(Path source, ConvertOptions options) {
    if (!options.trust()) {
      throw GpuxException.invalidInput(
          source
              + " is a PyTorch Hub repository: converting it runs its hubconf.py, which is code,"
              + " and it is not trusted",
          "read its hubconf.py, then pass --trust");
    }
    if (options.entrypoint() == null || options.entrypoint().isBlank()) {
      throw GpuxException.invalidInput(
          "a PyTorch Hub repository needs an entrypoint to build the model",
          "name one of hubconf.py's functions with --entrypoint NAME");
    }
  }

  /** The driver's verdict as GPUX's errors: bad input (2), export failed or check failed (1). */
  private static void failUnlessPassed(
      Framework framework, Path source, JsonNode driver, ConversionRecord record) {
    String status = driver.path("status").asText();
    String error = driver.hasNonNull("error") ? driver.path("error").asText() : null;
    switch (status) {
      case "passed" -> {
        return;
      }
      case "load_failed" ->
          throw GpuxException.invalidInput(
              error,
              "check that it is "
                  + framework.description()
                  + ", complete (not a download cut short), or name its framework with"
                  + " --framework");
      case "bad_input" ->
          throw GpuxException.invalidInput(
              error, "check the model and the options (`gpux convert --help`)");
      case "export_failed" ->
          throw new GpuxException(
              ErrorCategory.RUNTIME_FAILURE,
              record.converter() == null
                  ? "the " + framework.name() + " model could not be converted: " + error
                  : record.converter() + " could not convert " + source + ": " + error,
              framework == Framework.PYTORCH
                  ? "give the model's example input shapes with --input-shape NAME=DIMS, or try"
                      + " another --opset; docs/convert.md says what else to try when an export"
                      + " fails"
                  : "try another --opset, or fix dynamic input shapes with --input-shape"
                      + " NAME=DIMS; docs/convert.md says what else to try when an export fails");
      default -> {
        ConversionRecord.OutputCheck worst = record.worst();
        String what =
            error != null
                ? error
                : "output '"
                    + worst.name()
                    + "' differs from "
                    + framework.name()
                    + " by "
                    + worst.summary()
                    + " (tolerance "
                    + record.toleranceText()
                    + ")";
        throw new GpuxException(
            ErrorCategory.RUNTIME_FAILURE,
            "the converted model failed its check: " + what + "; nothing was kept",
            "the converter changed what the model computes: try another --opset; if the"
                + " differences are only rounding, loosen the check with --atol/--rtol");
      }
    }
  }

  /** gpux.yml from the ONNX signature, and the record under .gpux/. */
  private static void writeProject(
      Path project, Path source, Framework framework, ConversionRecord record) throws IOException {
    Path modelFile = project.resolve("model.onnx");
    Map<String, Path> files = new java.util.LinkedHashMap<>();
    files.put("model.onnx", modelFile);
    // The tokenizer and config.json come along: text inputs and id2label labels work as for a
    // repository that ships ONNX.
    for (String companion : framework.companions()) {
      Path from = source.resolve(companion);
      if (Files.isRegularFile(from)) {
        files.put(companion, Files.copy(from, project.resolve(companion)));
      }
    }
    String name = projectName(source);
    String yaml =
        OnnxProjectGenerator.generate(
            new OnnxProjectGenerator.Source(
                "converted " + framework.name(), framework.name() + ":" + source),
            name,
            "1",
            "model.onnx",
            files,
            record.details().containsKey("task")
                ? Map.of("pipeline_tag", record.details().get("task"))
                : Map.of(),
            "gpux convert (" + record.converter() + " " + record.converterVersion() + ")");
    Files.writeString(project.resolve("gpux.yml"), yaml, StandardCharsets.UTF_8);
    Path recordFile = project.resolve(ConversionRecord.FILE);
    Files.createDirectories(recordFile.getParent());
    Files.writeString(recordFile, Json.write(record.toJson(), true) + "\n", StandardCharsets.UTF_8);
  }

  /**
   * Replaces the output folder in two renames: a previous conversion there is moved aside first, so
   * a reader sees the old project or the new one, never a mix.
   */
  private static void moveIntoPlace(Path project, Path output) throws IOException {
    Path old = null;
    if (Files.exists(output)) {
      old = output.resolveSibling(".old-" + output.getFileName() + "-" + System.nanoTime());
      Files.move(output, old, StandardCopyOption.ATOMIC_MOVE);
    }
    Files.move(project, output, StandardCopyOption.ATOMIC_MOVE);
    if (old != null) {
      PythonEnvironments.deleteTree(old);
    }
  }

  /**
   * {@code -o DIR}, else {@code <name>-onnx} beside the source; an existing folder is replaced only
   * when it is an earlier conversion's (it has {@code .gpux/conversion.json}) or empty.
   */
  private Path outputFolder(Path source, ConvertOptions options) {
    Path out =
        options.outputDir() != null
            ? workingDirectory.resolve(options.outputDir()).toAbsolutePath().normalize()
            : source.resolveSibling(projectName(source) + "-onnx");
    if (out.equals(source) || source.startsWith(out)) {
      throw GpuxException.invalidInput(
          "the output " + out + " would replace the model being converted",
          "give another folder with -o");
    }
    if (Files.exists(out)
        && !Files.isRegularFile(out.resolve(ConversionRecord.FILE))
        && !isEmptyFolder(out)) {
      throw GpuxException.invalidInput(
          out + " exists and is not the output of an earlier gpux convert",
          "give a new folder with -o, or remove " + out);
    }
    return out;
  }

  private static boolean isEmptyFolder(Path p) {
    if (!Files.isDirectory(p)) {
      return false;
    }
    try (var s = Files.list(p)) {
      return s.findAny().isEmpty();
    } catch (IOException e) {
      return false;
    }
  }

  /** The source's file or folder name without its suffix, as a project name. */
  static String projectName(Path source) {
    String n = source.getFileName() == null ? "model" : source.getFileName().toString();
    int dot = n.lastIndexOf('.');
    if (dot > 0) {
      n = n.substring(0, dot);
    }
    n = n.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]+", "-");
    return n.isEmpty() ? "model" : n;
  }
}
