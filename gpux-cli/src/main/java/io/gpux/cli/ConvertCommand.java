package io.gpux.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gpux.Gpux;
import io.gpux.convert.Conversion;
import io.gpux.convert.ConversionRecord;
import io.gpux.convert.ConvertListener;
import io.gpux.convert.ConvertOptions;
import io.gpux.convert.Framework;
import io.gpux.convert.ModelConverter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code gpux convert}: a TensorFlow, Keras, TFLite, PyTorch, Transformers or scikit-learn model to
 * a checked ONNX project.
 */
@Command(
    name = "convert",
    description = {
      "Convert a TensorFlow SavedModel, Keras (.keras, .h5), TFLite, PyTorch (TorchScript .pt, or"
          + " a PyTorch Hub repository's entrypoint), Transformers (save_pretrained folder) or"
          + " scikit-learn (pickle/joblib, with --trust) model to a checked ONNX project"
          + " (model.onnx + gpux.yml).",
      "The converter (tf2onnx, torch.onnx, skl2onnx) runs in a Python environment GPUX creates on"
          + " first use under GPUX_HOME/python (--setup prepares it ahead). Every conversion is"
          + " checked: ONNX Runtime and the framework run the same seeded random inputs, and each"
          + " output's largest difference must be within the tolerance, or nothing is kept."
    },
    footer = {
      "",
      "Examples:",
      "  gpux convert --setup",
      "  gpux convert saved_model/ -o my-model",
      "  gpux convert model.tflite --input-shape input=1x224x224x3",
      "  gpux convert --framework pytorch model.pt --input-shape x=1x3x224x224",
      "  gpux convert vision/ --entrypoint resnet18 --arg weights=None --trust",
      "  gpux convert --framework transformers my-bert/ --task text-classification",
      "  gpux convert --framework sklearn pipeline.pkl --trust",
      "Environment: GPUX_HOME, GPUX_OFFLINE=1 (no install), GPUX_BASE_PYTHON (the python3 to create"
          + " the environment with), GPUX_PYTHON_ENV_TENSORFLOW, GPUX_PYTHON_ENV_PYTORCH (use an"
          + " existing environment).",
      "See docs/convert.md."
    })
final class ConvertCommand implements Callable<Integer> {
  @ParentCommand GpuxCommand parent;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "PATH",
      description =
          "A SavedModel folder, a .keras/.h5 or .tflite file, a TorchScript .pt file, a PyTorch"
              + " Hub repository folder (with hubconf.py), a Transformers folder or a .pkl/.joblib"
              + " file.")
  String path;

  @Option(
      names = "--framework",
      paramLabel = "NAME",
      description =
          "tensorflow, keras, tflite, pytorch, transformers or sklearn (default: detected from"
              + " the files).")
  String framework;

  @Option(
      names = "--task",
      paramLabel = "TASK",
      description =
          "Transformers: the head to export (text-classification, token-classification,"
              + " fill-mask, text-generation, feature-extraction; default: from config.json's"
              + " architectures).")
  String task;

  @Option(
      names = "--opset",
      paramLabel = "N",
      description =
          "ONNX opset to convert to (default: "
              + ConvertOptions.DEFAULT_OPSET
              + "; 18 for PyTorch, Transformers and scikit-learn, the lowest torch's exporter"
              + " supports).")
  Integer opset;

  @Option(
      names = "--input-shape",
      paramLabel = "NAME=DIMS",
      description =
          "Fix an input's shape, e.g. image=1x224x224x3 (repeatable). Otherwise dynamic"
              + " dimensions stay dynamic and the check gives them size 2.")
  List<String> inputShapes = new ArrayList<>();

  @Option(
      names = {"-o", "--output"},
      paramLabel = "DIR",
      description = "Where the project goes (default: PATH's name + -onnx, beside it).")
  Path output;

  @Option(
      names = "--atol",
      paramLabel = "A",
      description = "The check's absolute tolerance (default: " + ConvertOptions.DEFAULT_ABS + ").")
  Double atol;

  @Option(
      names = "--rtol",
      paramLabel = "R",
      description = "The check's relative tolerance (default: " + ConvertOptions.DEFAULT_REL + ").")
  Double rtol;

  @Option(
      names = "--setup",
      description =
          "Prepare the converter environment now (nothing to do when it is ready); with PATH, then"
              + " convert.")
  boolean setup;

  @Option(
      names = "--entrypoint",
      paramLabel = "NAME",
      description = "The hubconf.py function that builds the model (a PyTorch Hub repository).")
  String entrypoint;

  @Option(
      names = "--arg",
      paramLabel = "NAME=VALUE",
      description =
          "A keyword argument of the entrypoint (repeatable), e.g. weights=None or"
              + " num_classes=10: a Python literal, else text.")
  List<String> args = new ArrayList<>();

  @Option(
      names = "--trust",
      description =
          "Let the model's own code run: a PyTorch Hub repository's hubconf.py builds the model;"
              + " a pickle (scikit-learn files, Transformers .bin weights) runs code when loaded."
              + " Only for a source you trust.")
  boolean trust;

  @Option(names = "--json", description = "Print the result as JSON.")
  boolean json;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    if (path == null && !setup) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "missing PATH (or --setup to prepare the converter environment)");
    }
    ConvertOptions options =
        ConvertOptions.defaults()
            .withFramework(framework)
            .withOpset(opset)
            .withInputShapes(ConvertOptions.parseShapes(inputShapes))
            .withOutputDir(output)
            .withTolerance(atol, rtol)
            .withEntrypoint(entrypoint, args)
            .withTask(task, null)
            .withTrust(trust);
    try (Gpux gpux = parent.gpux()) {
      Progress progress = new Progress(parent.err, json);
      if (setup) {
        ObjectNode ready = setUp(gpux, progress);
        if (path == null) {
          if (json) {
            parent.out.println(Json.render(ready, true));
          }
          parent.out.flush();
          return ExitCodes.OK;
        }
      }
      Conversion c = gpux.convert().convert(Path.of(path), options, progress);
      if (json) {
        ObjectNode o = Json.NODES.objectNode();
        o.put("project", c.project().toString()).put("model", c.modelFile().toString());
        o.set("conversion", c.record().toJson());
        parent.out.println(Json.render(o, true));
      } else {
        PrintWriter out = parent.out;
        out.printf(Locale.ROOT, "Converted %s -> %s%n", path, c.project());
        printRecord(out, c.record());
        out.printf(Locale.ROOT, "Run it:     gpux run %s%n", c.project());
      }
      parent.out.flush();
      return ExitCodes.OK;
    }
  }

  /** The environments of --framework (all of them without it), installed when missing. */
  private ObjectNode setUp(Gpux gpux, Progress progress) {
    ModelConverter converter = gpux.convert();
    Set<io.gpux.convert.PythonEnvironment> envs = new LinkedHashSet<>();
    if (framework != null) {
      envs.add(ModelConverter.framework(framework).environment());
    } else {
      Framework.ALL.forEach(f -> envs.add(f.environment()));
    }
    ObjectNode o = Json.NODES.objectNode();
    for (io.gpux.convert.PythonEnvironment env : envs) {
      Path python = converter.environments().ensure(env, progress);
      o.put(env.name(), python.toString());
      if (!json) {
        parent.err.println("gpux: " + env.name() + " environment ready (" + python + ")");
      }
    }
    return o;
  }

  /** The record's lines, for convert's result and for inspect. */
  static void printRecord(PrintWriter out, ConversionRecord r) {
    out.printf(
        Locale.ROOT,
        "Converted:  from %s %s by %s %s, opset %d%s%n",
        r.framework(),
        r.frameworkVersion() == null ? "" : r.frameworkVersion(),
        r.converter(),
        r.converterVersion() == null ? "" : r.converterVersion(),
        r.opset(),
        r.convertedAt() == null ? "" : ", " + r.convertedAt());
    List<String> shapes = new ArrayList<>();
    r.inputShapes().forEach((k, v) -> shapes.add(k + "=" + ConvertOptions.format(v)));
    if (r.details().containsKey("task")) {
      out.printf(
          Locale.ROOT,
          "Task:       %s (from %s), exported by %s%n",
          r.details().get("task"),
          r.details().get("task_from"),
          r.details().getOrDefault("export_path", "?"));
    }
    out.printf(
        Locale.ROOT,
        "Check:      %s on %s, tolerance %s%n",
        r.passed() ? "passed" : "FAILED",
        r.details().containsKey("check_inputs")
            ? r.details().get("check_inputs")
            : "seeded random inputs " + String.join(", ", shapes) + " (seed " + r.seed() + ")",
        r.toleranceText());
    for (ConversionRecord.OutputCheck o : r.outputs()) {
      out.printf(
          Locale.ROOT,
          "  %-20s %s%s%n",
          o.name(),
          o.summary(),
          o.passed() ? "" : "  (over the tolerance)");
    }
  }

  /** Install and conversion steps as stderr lines (nothing under --json but errors). */
  private static final class Progress implements ConvertListener {
    private final PrintWriter err;
    private final boolean quiet;

    Progress(PrintWriter err, boolean quiet) {
      this.err = err;
      this.quiet = quiet;
    }

    @Override
    public void installing(String environment, Path folder) {
      line(
          "creating the "
              + environment
              + " converter environment in "
              + folder
              + " (once; about 1.7 GB, a few minutes)");
    }

    @Override
    public void installProgress(String environment, String step) {
      if (step.startsWith("installing")) {
        line(environment + ": " + step);
      }
    }

    @Override
    public void installed(String environment, Path folder, Duration took) {
      line(environment + " environment installed in " + took.toSeconds() + " s");
    }

    @Override
    public void step(String step) {
      line(step + "...");
    }

    private void line(String text) {
      if (!quiet) {
        err.println("gpux: " + text);
        err.flush();
      }
    }
  }
}
