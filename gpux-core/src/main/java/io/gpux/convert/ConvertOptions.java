package io.gpux.convert;

import io.gpux.error.GpuxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How to convert.
 *
 * @param framework the framework's name, or null to detect it from the files
 * @param opset the ONNX opset to convert to (null: {@link #DEFAULT_OPSET})
 * @param inputShapes fixed shapes for inputs by name (dynamic dimensions otherwise get a small size
 *     in the check and stay dynamic in the model)
 * @param outputDir where the project goes (null: {@code <source name>-onnx} beside the source)
 * @param absoluteTolerance the check's absolute tolerance (null: {@link #DEFAULT_ABS})
 * @param relativeTolerance the check's relative tolerance (null: {@link #DEFAULT_REL})
 * @param entrypoint the PyTorch Hub entrypoint that builds the model, for a hub repository
 * @param arguments the entrypoint's keyword arguments as {@code NAME=VALUE} (a Python literal such
 *     as {@code None}, {@code 10}, {@code True}, else the text), in the order given
 * @param trust the model's own code may run (a hub repository's hubconf.py, a pickle: scikit-learn
 *     files, Transformers .bin weights): the user said so ({@code --trust})
 * @param task the Transformers task head to export ({@code --task}; null: from the model)
 * @param declaredTask the task the model's registry declares (the Hub's pipeline_tag), used when
 *     config.json names no architecture; null when there is none
 */
public record ConvertOptions(
    String framework,
    Integer opset,
    Map<String, List<Long>> inputShapes,
    Path outputDir,
    Double absoluteTolerance,
    Double relativeTolerance,
    String entrypoint,
    List<String> arguments,
    boolean trust,
    String task,
    String declaredTask) {

  /**
   * The Transformers tasks {@code --task} takes, each a head: classifier logits, per-token logits,
   * masked-LM logits, causal-LM logits (no KV cache), the encoder's last hidden state.
   */
  public static final List<String> TASKS =
      List.of(
          "text-classification",
          "token-classification",
          "fill-mask",
          "text-generation",
          "feature-extraction");

  public ConvertOptions(
      String framework,
      Integer opset,
      Map<String, List<Long>> inputShapes,
      Path outputDir,
      Double absoluteTolerance,
      Double relativeTolerance) {
    this(
        framework,
        opset,
        inputShapes,
        outputDir,
        absoluteTolerance,
        relativeTolerance,
        null,
        List.of(),
        false,
        null,
        null);
  }

  /** Opset 17: supported by tf2onnx 1.17 and by every ONNX Runtime GPUX runs on. */
  public static final int DEFAULT_OPSET = 17;

  public static final double DEFAULT_ABS = 1e-4;
  public static final double DEFAULT_REL = 1e-3;

  public ConvertOptions {
    if (task != null) {
      task = checkTask(task);
    }
    inputShapes =
        inputShapes == null
            ? Map.of()
            : Collections.unmodifiableMap(new LinkedHashMap<>(inputShapes));
    arguments = arguments == null ? List.of() : List.copyOf(arguments);
    for (String a : arguments) {
      int eq = a.indexOf('=');
      if (eq <= 0 || !a.substring(0, eq).trim().matches("[A-Za-z_][A-Za-z0-9_]*")) {
        throw GpuxException.invalidInput(
            "entrypoint argument '" + a + "' is not NAME=VALUE",
            "give a keyword argument of the entrypoint, e.g. --arg weights=None");
      }
    }
    if (opset != null && (opset < 7 || opset > 23)) {
      throw GpuxException.invalidInput(
          "opset " + opset + " is out of range", "give an ONNX opset from 7 to 23 (default 17)");
    }
    if (absoluteTolerance != null && !(absoluteTolerance >= 0)
        || relativeTolerance != null && !(relativeTolerance >= 0)) {
      throw GpuxException.invalidInput(
          "a tolerance must be a number of zero or more", "e.g. --atol 1e-4 --rtol 1e-3");
    }
  }

  /** {@code task} if it is one of {@link #TASKS}, else a bad-input error naming the close ones. */
  public static String checkTask(String task) {
    String t = task.trim().toLowerCase(java.util.Locale.ROOT);
    if (TASKS.contains(t)) {
      return t;
    }
    // The nearest names only, and only when near: a typo, not any task.
    int best =
        TASKS.stream()
            .mapToInt(k -> io.gpux.spelling.EditDistance.between(k, t))
            .min()
            .orElse(Integer.MAX_VALUE);
    List<String> close =
        best > Math.max(3, t.length() / 3)
            ? List.of()
            : TASKS.stream()
                .filter(k -> io.gpux.spelling.EditDistance.between(k, t) == best)
                .toList();
    throw GpuxException.invalidInput(
        "unknown task '"
            + task
            + "'"
            + (close.isEmpty() ? "" : "; did you mean " + String.join(" or ", close) + "?"),
        "--task takes " + String.join(", ", TASKS));
  }

  /** With the task head ({@code --task}, null: from the model) and the registry's declared one. */
  public ConvertOptions withTask(String t, String declared) {
    return new ConvertOptions(
        framework,
        opset,
        inputShapes,
        outputDir,
        absoluteTolerance,
        relativeTolerance,
        entrypoint,
        arguments,
        trust,
        t,
        declared);
  }

  public static ConvertOptions defaults() {
    return new ConvertOptions(null, null, Map.of(), null, null, null);
  }

  public ConvertOptions withFramework(String f) {
    return new ConvertOptions(
        f,
        opset,
        inputShapes,
        outputDir,
        absoluteTolerance,
        relativeTolerance,
        entrypoint,
        arguments,
        trust,
        task,
        declaredTask);
  }

  public ConvertOptions withOpset(Integer o) {
    return new ConvertOptions(
        framework,
        o,
        inputShapes,
        outputDir,
        absoluteTolerance,
        relativeTolerance,
        entrypoint,
        arguments,
        trust,
        task,
        declaredTask);
  }

  public ConvertOptions withInputShapes(Map<String, List<Long>> shapes) {
    return new ConvertOptions(
        framework,
        opset,
        shapes,
        outputDir,
        absoluteTolerance,
        relativeTolerance,
        entrypoint,
        arguments,
        trust,
        task,
        declaredTask);
  }

  public ConvertOptions withOutputDir(Path dir) {
    return new ConvertOptions(
        framework,
        opset,
        inputShapes,
        dir,
        absoluteTolerance,
        relativeTolerance,
        entrypoint,
        arguments,
        trust,
        task,
        declaredTask);
  }

  public ConvertOptions withTolerance(Double abs, Double rel) {
    return new ConvertOptions(
        framework,
        opset,
        inputShapes,
        outputDir,
        abs,
        rel,
        entrypoint,
        arguments,
        trust,
        task,
        declaredTask);
  }

  /** A hub repository's entrypoint and its keyword arguments ({@code NAME=VALUE}). */
  public ConvertOptions withEntrypoint(String entry, List<String> args) {
    return new ConvertOptions(
        framework,
        opset,
        inputShapes,
        outputDir,
        absoluteTolerance,
        relativeTolerance,
        entry,
        args,
        trust,
        task,
        declaredTask);
  }

  public ConvertOptions withTrust(boolean t) {
    return new ConvertOptions(
        framework,
        opset,
        inputShapes,
        outputDir,
        absoluteTolerance,
        relativeTolerance,
        entrypoint,
        arguments,
        t,
        task,
        declaredTask);
  }

  /** The opset asked for, else the framework's default. */
  public int effectiveOpset(Framework f) {
    return opset == null ? f.defaultOpset() : opset;
  }

  public int effectiveOpset() {
    return opset == null ? DEFAULT_OPSET : opset;
  }

  public double effectiveAbs() {
    return absoluteTolerance == null ? DEFAULT_ABS : absoluteTolerance;
  }

  public double effectiveRel() {
    return relativeTolerance == null ? DEFAULT_REL : relativeTolerance;
  }

  /** {@code NAME=1x224x224x3} (as {@code --input-shape} takes it) parsed into the map. */
  public static Map<String, List<Long>> parseShapes(List<String> values) {
    Map<String, List<Long>> out = new LinkedHashMap<>();
    for (String v : values) {
      int eq = v.lastIndexOf('=');
      String name = eq < 0 ? "" : v.substring(0, eq).trim();
      String dims = eq < 0 ? "" : v.substring(eq + 1).trim();
      if (name.isEmpty() || !dims.matches("[0-9]+(?:[xX][0-9]+)*")) {
        throw GpuxException.invalidInput(
            "--input-shape '" + v + "' is not NAME=DIMS",
            "give the input's name and its dimensions joined by x, e.g. --input-shape"
                + " image=1x224x224x3");
      }
      List<Long> sizes = new ArrayList<>();
      for (String d : dims.split("[xX]")) {
        long n = d.length() > 7 ? Long.MAX_VALUE : Long.parseLong(d);
        if (n < 1 || n > 1_000_000) {
          throw GpuxException.invalidInput(
              "--input-shape '" + v + "': dimension " + d + " is out of range",
              "each dimension is a size from 1 to 1000000");
        }
        sizes.add(n);
      }
      if (out.put(name, List.copyOf(sizes)) != null) {
        throw GpuxException.invalidInput(
            "--input-shape names " + name + " twice", "give each input's shape once");
      }
    }
    return out;
  }

  /** {@code 1x224x224x3}: a shape as {@code --input-shape} writes it. */
  public static String format(List<Long> shape) {
    return String.join("x", shape.stream().map(String::valueOf).toList());
  }
}
