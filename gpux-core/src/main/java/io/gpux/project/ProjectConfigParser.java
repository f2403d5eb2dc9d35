package io.gpux.project;

import io.gpux.error.GpuxException;
import io.gpux.onnx.ElementType;
import io.gpux.project.ProjectConfig.GpuSection;
import io.gpux.project.ProjectConfig.ModelSection;
import io.gpux.project.ProjectConfig.PreprocessingSection;
import io.gpux.project.ProjectConfig.RuntimeSection;
import io.gpux.project.ProjectConfig.ServingSection;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads gpux.yml. Errors name the file, the line, the field and the fix; unknown fields are
 * warnings (with a "did you mean" when one is close), because a typo should not stop a model from
 * running but must not pass silently either.
 */
public final class ProjectConfigParser {
  private static final Set<String> TOP =
      Set.of(
          "name",
          "version",
          "description",
          "model",
          "inputs",
          "outputs",
          "runtime",
          "serving",
          "preprocessing",
          "metadata");
  private static final Set<String> MODEL = Set.of("source", "format", "version");
  private static final Set<String> INPUT =
      Set.of("name", "type", "shape", "required", "max_length", "description");
  private static final Set<String> OUTPUT =
      Set.of("name", "type", "shape", "labels", "description");
  private static final Set<String> RUNTIME =
      Set.of("gpu", "batch_size", "timeout", "enable_profiling");
  private static final Set<String> GPU = Set.of("memory", "backend");
  private static final Set<String> SERVING =
      Set.of(
          "host",
          "port",
          "batch_size",
          "timeout",
          "max_workers",
          "preferred_batch_size",
          "max_queue_delay_microseconds");
  private static final Set<String> PREPROCESSING =
      Set.of("tokenizer", "max_length", "resize", "normalize", "custom");
  private static final Set<String> BACKENDS =
      Set.of(
          "auto",
          "cpu",
          "cuda",
          "tensorrt",
          "trt",
          "rocm",
          "coreml",
          "metal",
          "directml",
          "dml",
          "dx12",
          "openvino",
          "vulkan");
  private static final Pattern MEMORY =
      Pattern.compile("(?i)\\s*(\\d+(?:\\.\\d+)?)\\s*([KMGT]B)\\s*");

  private ProjectConfigParser() {}

  /** Parses a gpux.yml file; warnings go to {@code warnings}. */
  public static ProjectConfig parse(Path file, Consumer<ConfigWarning> warnings) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw GpuxException.notFound(
          "no such file: " + file, "create it (see docs/gpux-yml.md) or give the right path");
    } catch (IOException e) {
      throw GpuxException.invalidInput(
          "cannot read " + file + ": " + e.getMessage(), "check the file's permissions");
    }
    return parse(file.toString(), new StringReader(text), warnings);
  }

  public static ProjectConfig parse(
      String fileName, Reader yaml, Consumer<ConfigWarning> warnings) {
    Node root = compose(fileName, yaml);
    if (root == null) {
      throw GpuxException.invalidInput(
          fileName + " is empty", "add at least 'name:' and 'model: {source: ...}'");
    }
    // Warnings are reported in file order, whichever section found them first.
    List<ConfigWarning> found = new ArrayList<>();
    ProjectConfig config =
        new Reading(fileName, found::add).project(new YamlSection(fileName, "", root));
    found.sort(java.util.Comparator.comparingInt(ConfigWarning::line));
    found.forEach(warnings);
    return config;
  }

  /**
   * A YAML file as SnakeYAML's node tree, which keeps every value's line (duplicate keys refused),
   * or null when it is empty: how gpux's YAML files (gpux.yml, a batch's JOBS.yml) are read, so
   * that each error can name its line.
   *
   * @throws GpuxException naming the file and the line of malformed YAML
   */
  public static Node compose(String fileName, Reader yaml) {
    try {
      LoaderOptions options = new LoaderOptions();
      options.setAllowDuplicateKeys(false);
      return new Yaml(options).compose(yaml);
    } catch (MarkedYAMLException e) {
      int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
      throw GpuxException.invalidInput(
          fileName + ":" + line + ": malformed YAML: " + oneLine(e.getProblem()),
          "fix the YAML syntax at that line (indentation, a missing ':' or an unclosed quote)");
    } catch (YAMLException e) {
      throw GpuxException.invalidInput(
          fileName + ": malformed YAML: " + oneLine(e.getMessage()), "fix the YAML syntax");
    }
  }

  private static String oneLine(String s) {
    return s == null ? "" : s.replaceAll("\\s+", " ").trim();
  }

  /** One parse: carries the warning sink. */
  private record Reading(String file, Consumer<ConfigWarning> warnings) {

    ProjectConfig project(YamlSection top) {
      checkKnown(top, TOP);
      String name = top.requiredString("name", "add a line 'name: my-model' to " + file);
      String version = top.string("version", "1.0.0");
      YamlSection model = top.section("model");
      if (model == null) {
        throw top.error(
            top.node(), "model", "is required", "add 'model: {source: ./model.onnx}' to " + file);
      }
      checkKnown(model, MODEL);
      ModelSection modelSection =
          new ModelSection(
              model.requiredString(
                  "source", "set model.source to the ONNX file, relative to " + file),
              model.string("format", "onnx"),
              model.string("version", null));
      List<TensorSpec> inputs = tensors(top, "inputs", true);
      List<TensorSpec> outputs = tensors(top, "outputs", false);
      Object metadata = top.plain("metadata");
      return new ProjectConfig(
          name,
          version,
          top.string("description", null),
          modelSection,
          inputs,
          outputs,
          runtime(top.section("runtime")),
          serving(top.section("serving")),
          preprocessing(top.section("preprocessing")),
          metadata instanceof Map<?, ?> m ? castMap(m) : Map.of());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Map<?, ?> m) {
      Map<String, Object> out = new java.util.LinkedHashMap<>();
      ((Map<Object, Object>) m).forEach((k, v) -> out.put(String.valueOf(k), v == null ? "" : v));
      return out;
    }

    /** Accepts the mapping form (name: spec), the list form ([{name: ...}]) and bare types. */
    private List<TensorSpec> tensors(YamlSection top, String key, boolean isInput) {
      if (!top.has(key)) {
        return List.of();
      }
      Node node = top.value(key);
      List<TensorSpec> out = new ArrayList<>();
      if (node instanceof MappingNode mapping) {
        for (NodeTuple tuple : mapping.getValue()) {
          String name = ((ScalarNode) tuple.getKeyNode()).getValue();
          out.add(tensor(top.path(key) + "." + name, name, tuple.getValueNode(), isInput));
        }
      } else if (node instanceof SequenceNode seq) {
        int i = 0;
        for (Node item : seq.getValue()) {
          String path = top.path(key) + "[" + i++ + "]";
          YamlSection s = new YamlSection(file, path, item);
          String name = s.requiredString("name", "give every entry of " + key + " a name");
          out.add(tensor(path, name, item, isInput));
        }
      } else {
        throw top.error(node, key, "must be a mapping of name: {type: ..., shape: ...}", null);
      }
      if (out.isEmpty()) {
        throw top.error(
            node, key, "is empty", "declare at least one, or remove '" + key + ":' entirely");
      }
      return out;
    }

    private TensorSpec tensor(String path, String name, Node node, boolean isInput) {
      if (node instanceof ScalarNode scalar && !YamlSection.isNull(scalar)) {
        // "pixels: float32" is short for "pixels: {type: float32}", as in the Python GPUX.
        return new TensorSpec(
            name, elementType(path, scalar, scalar.getValue()), null, true, null, null, null);
      }
      YamlSection s = new YamlSection(file, path, node);
      checkKnown(s, isInput ? INPUT : OUTPUT);
      String typeText = s.requiredString("type", "set " + path + ".type, e.g. float32 or int64");
      ElementType type = elementType(path + ".type", s.value("type"), typeText);
      List<String> labels = isInput ? null : s.strings("labels");
      return new TensorSpec(
          name,
          type,
          shape(s),
          s.bool("required", true),
          isInput ? s.optionalInteger("max_length") : null,
          labels,
          s.string("description", null));
    }

    private ElementType elementType(String path, Node at, String text) {
      ElementType type = ElementType.parse(text);
      if (type == null) {
        throw GpuxException.invalidInput(
            file
                + ":"
                + YamlSection.line(at)
                + ": "
                + path
                + " '"
                + text
                + "' is not a tensor type",
            "use one of "
                + Arrays.stream(ElementType.values())
                    .map(ElementType::toString)
                    .collect(Collectors.joining(", ")));
      }
      return type;
    }

    private List<Long> shape(YamlSection s) {
      List<String> dims = s.strings("shape");
      if (dims == null) {
        return null;
      }
      List<Long> out = new ArrayList<>();
      for (String dim : dims) {
        String d = dim.trim();
        if (d.equals("-1") || d.equals("?") || d.equals("null") || d.equals("~")) {
          out.add(-1L);
          continue;
        }
        try {
          long v = Long.parseLong(d);
          if (v < -1) {
            throw new NumberFormatException();
          }
          out.add(v);
        } catch (NumberFormatException e) {
          if (d.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            out.add(-1L); // a named dynamic dimension such as "batch"
          } else {
            throw s.error(
                s.value("shape"),
                s.path("shape"),
                "has '" + dim + "', which is not a dimension",
                "use whole numbers, and -1 (or a name such as batch) for a dynamic dimension");
          }
        }
      }
      return out;
    }

    private RuntimeSection runtime(YamlSection s) {
      if (s == null) {
        return RuntimeSection.defaults();
      }
      checkKnown(s, RUNTIME);
      GpuSection gpu = GpuSection.defaults();
      YamlSection g = s.section("gpu");
      if (g != null) {
        checkKnown(g, GPU);
        String memory = g.string("memory", gpu.memory()).trim().toUpperCase(Locale.ROOT);
        Matcher m = MEMORY.matcher(memory);
        if (!m.matches()) {
          throw g.error(
              g.value("memory"),
              g.path("memory"),
              "'" + memory + "' is not a memory size",
              "write it as a number and a unit, e.g. 2GB or 512MB");
        }
        String backend = g.string("backend", "auto").trim().toLowerCase(Locale.ROOT);
        if (!BACKENDS.contains(backend)) {
          throw g.error(
              g.value("backend"),
              g.path("backend"),
              "'" + backend + "' is not a known backend",
              "use one of " + String.join(", ", new java.util.TreeSet<>(BACKENDS)));
        }
        gpu = new GpuSection(memory, bytes(m), backend);
      }
      return new RuntimeSection(
          gpu,
          positive(s, "batch_size", 1),
          positive(s, "timeout", 30),
          s.bool("enable_profiling", false));
    }

    private static long bytes(Matcher m) {
      double n = Double.parseDouble(m.group(1));
      long unit =
          switch (m.group(2).toUpperCase(Locale.ROOT)) {
            case "KB" -> 1L << 10;
            case "MB" -> 1L << 20;
            case "GB" -> 1L << 30;
            default -> 1L << 40;
          };
      return (long) (n * unit);
    }

    private ServingSection serving(YamlSection s) {
      ServingSection d = ServingSection.defaults();
      if (s == null) {
        return d;
      }
      checkKnown(s, SERVING);
      int port = s.integer("port", d.port());
      if (port < 0 || port > 65535) {
        throw s.error(
            s.value("port"), s.path("port"), "must be between 0 and 65535, got " + port, null);
      }
      int batchSize = positive(s, "batch_size", d.batchSize());
      List<String> preferred = s.strings("preferred_batch_size");
      List<Integer> sizes =
          preferred == null
              ? List.of()
              : preferred.stream()
                  .map(p -> parseInt(s, "preferred_batch_size", p))
                  .sorted()
                  .distinct()
                  .toList();
      for (int size : sizes) {
        if (size < 1 || size > batchSize) {
          throw s.error(
              s.value("preferred_batch_size"),
              s.path("preferred_batch_size"),
              "must be sizes from 1 to batch_size (" + batchSize + "), got " + size,
              "list sizes no larger than serving.batch_size, or raise batch_size");
        }
      }
      Integer delay = s.optionalInteger("max_queue_delay_microseconds");
      if (delay != null && delay < 0) {
        throw s.error(
            s.value("max_queue_delay_microseconds"),
            s.path("max_queue_delay_microseconds"),
            "must be 0 or more, got " + delay,
            null);
      }
      return new ServingSection(
          s.string("host", d.host()),
          port,
          batchSize,
          positive(s, "timeout", d.timeoutSeconds()),
          positive(s, "max_workers", d.maxWorkers()),
          sizes,
          delay == null ? d.maxQueueDelayMicros() : delay);
    }

    private PreprocessingSection preprocessing(YamlSection s) {
      if (s == null) {
        return PreprocessingSection.defaults();
      }
      checkKnown(s, PREPROCESSING);
      List<String> resize = s.strings("resize");
      Object custom = s.plain("custom");
      return new PreprocessingSection(
          s.string("tokenizer", null),
          s.optionalInteger("max_length"),
          resize == null ? null : resize.stream().map(r -> parseInt(s, "resize", r)).toList(),
          s.string("normalize", null),
          custom instanceof Map<?, ?> m ? castMap(m) : Map.of());
    }

    private static int parseInt(YamlSection s, String key, String text) {
      try {
        return Integer.parseInt(text.trim());
      } catch (NumberFormatException e) {
        throw s.error(s.value(key), s.path(key), "must be whole numbers, got '" + text + "'", null);
      }
    }

    private static int positive(YamlSection s, String key, int fallback) {
      int v = s.integer(key, fallback);
      if (v <= 0) {
        throw s.error(s.value(key), s.path(key), "must be positive, got " + v, null);
      }
      return v;
    }

    private void checkKnown(YamlSection s, Set<String> known) {
      for (String key : s.keys()) {
        if (!known.contains(key)) {
          String close = closest(key, known);
          warnings.accept(
              new ConfigWarning(
                  file,
                  s.line(key),
                  s.path(key),
                  "unknown field, ignored"
                      + (close == null ? "" : " (did you mean '" + close + "'?)")));
        }
      }
    }
  }

  /** The known name within edit distance 2 of {@code key}, if any: catches typos like 'sorce'. */
  static String closest(String key, Set<String> known) {
    String best = null;
    int bestDistance = 3;
    for (String k : known) {
      int d = io.gpux.spelling.EditDistance.between(key.toLowerCase(Locale.ROOT), k);
      if (d < bestDistance) {
        best = k;
        bestDistance = d;
      }
    }
    return best;
  }
}
