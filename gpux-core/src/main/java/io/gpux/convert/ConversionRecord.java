package io.gpux.convert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gpux.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What one conversion did and how its check came out: kept as {@code .gpux/conversion.json} in the
 * converted project, and (as {@link #toLineage()}) in a stored model's lineage.
 *
 * @param source what was converted (a path, or the registry reference it was pulled as)
 * @param framework the framework's name ({@code tensorflow}, {@code keras}, {@code tflite})
 * @param frameworkVersion the version that loaded the model and ran the reference side
 * @param converter {@code tf2onnx} (or {@code keras.export})
 * @param inputShapes the shapes the check fed, by input name
 * @param outputs per output, the largest differences between ONNX Runtime and the framework
 * @param absoluteTolerance the check's bound: |onnx - framework| &lt;= abs + rel * |framework|
 * @param seed the seed of the random inputs
 * @param seconds how long the steps took ({@code load}, {@code convert}, {@code check})
 * @param details what else the framework's converter says about the path it took: the task head and
 *     where it came from, the exporter used ({@code export_path}: dynamo or torchscript) and why it
 *     fell back, the check's input sets (tokenized text, seeded ids); empty for TensorFlow
 */
public record ConversionRecord(
    String source,
    String framework,
    String frameworkVersion,
    String converter,
    String converterVersion,
    int opset,
    Map<String, List<Long>> inputShapes,
    List<OutputCheck> outputs,
    double absoluteTolerance,
    double relativeTolerance,
    long seed,
    String onnxruntimeVersion,
    Map<String, Double> seconds,
    boolean passed,
    Instant convertedAt,
    String convertedBy,
    Map<String, String> details) {

  public ConversionRecord {
    details =
        details == null
            ? Map.of()
            : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(details));
  }

  /** Where a converted project keeps its record, relative to the project folder. */
  public static final String FILE = ".gpux/conversion.json";

  /** The prefix of the record's keys in a stored model's lineage. */
  public static final String LINEAGE_PREFIX = "conversion.";

  /**
   * One output's comparison.
   *
   * @param maxRel the largest relative difference where the framework's value exceeds the absolute
   *     tolerance (near zero, relative differences are noise and the absolute bound rules)
   * @param problem why the output could not be compared (a shape that differs), or null
   */
  public record OutputCheck(
      String name, List<Long> shape, double maxAbs, double maxRel, boolean passed, String problem) {

    /** {@code max abs 1.2e-07, max rel 3.4e-06} or the problem. */
    public String summary() {
      return problem != null
          ? problem
          : String.format(Locale.ROOT, "max abs %.3g, max rel %.3g", maxAbs, maxRel);
    }
  }

  /**
   * The same record naming another source: a registry pull that converted a downloaded folder
   * records the reference it pulled, not the temporary path.
   */
  public ConversionRecord withSource(String newSource) {
    return new ConversionRecord(
        newSource,
        framework,
        frameworkVersion,
        converter,
        converterVersion,
        opset,
        inputShapes,
        outputs,
        absoluteTolerance,
        relativeTolerance,
        seed,
        onnxruntimeVersion,
        seconds,
        passed,
        convertedAt,
        convertedBy,
        details);
  }

  /** The check's worst output: the first that failed, else the one with the largest difference. */
  public OutputCheck worst() {
    OutputCheck worst = null;
    for (OutputCheck o : outputs) {
      if (!o.passed()) {
        return o;
      }
      if (worst == null || o.maxAbs() > worst.maxAbs()) {
        worst = o;
      }
    }
    return worst;
  }

  /** {@code tolerance abs 0.0001, rel 0.001}. */
  public String toleranceText() {
    return String.format(
        Locale.ROOT, "abs %s, rel %s", number(absoluteTolerance), number(relativeTolerance));
  }

  private static String number(double d) {
    return java.math.BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
  }

  /** The record as the driver wrote it, completed with what only GPUX knows. */
  static ConversionRecord fromDriver(
      JsonNode r, String source, Instant convertedAt, String convertedBy) {
    ObjectNode o = r.deepCopy();
    // The PyTorch driver writes the exporter's path at the top level: one place for it, details.
    for (String key : List.of("export_path", "export_fallback_reason")) {
      if (r.hasNonNull(key) && !r.path("details").has(key)) {
        (o.path("details").isObject() ? (ObjectNode) o.get("details") : o.putObject("details"))
            .put(key, r.path(key).asText());
      }
    }
    o.put("source", source)
        .put("passed", "passed".equals(r.path("status").asText()))
        .put("converted_at", convertedAt.toString())
        .put("converted_by", convertedBy);
    return fromJson(o);
  }

  public ObjectNode toJson() {
    ObjectNode o = Json.NODES.objectNode();
    o.put("source", source)
        .put("framework", framework)
        .put("framework_version", frameworkVersion)
        .put("converter", converter)
        .put("converter_version", converterVersion)
        .put("opset", opset);
    ObjectNode shapes = o.putObject("input_shapes");
    inputShapes.forEach((k, v) -> v.forEach(shapes.putArray(k)::add));
    var outs = o.putArray("outputs");
    for (OutputCheck c : outputs) {
      ObjectNode x = outs.addObject().put("name", c.name());
      if (c.shape() != null) {
        c.shape().forEach(x.putArray("shape")::add);
      }
      if (c.problem() == null) {
        x.put("max_abs", c.maxAbs()).put("max_rel", c.maxRel());
      } else {
        x.put("problem", c.problem());
      }
      x.put("passed", c.passed());
    }
    o.putObject("tolerance").put("abs", absoluteTolerance).put("rel", relativeTolerance);
    o.put("seed", seed).put("onnxruntime_version", onnxruntimeVersion);
    ObjectNode steps = o.putObject("seconds");
    seconds.forEach(steps::put);
    o.put("passed", passed)
        .put("converted_at", convertedAt == null ? null : convertedAt.toString())
        .put("converted_by", convertedBy);
    if (!details.isEmpty()) {
      ObjectNode d = o.putObject("details");
      details.forEach(d::put);
    }
    return o;
  }

  /** A record written by {@link #toJson()} (the project's {@code .gpux/conversion.json}). */
  public static ConversionRecord fromJson(JsonNode r) {
    List<OutputCheck> outputs = new ArrayList<>();
    for (JsonNode o : r.path("outputs")) {
      outputs.add(
          new OutputCheck(
              o.path("name").asText(),
              o.has("shape") ? longs(o.path("shape")) : null,
              o.path("max_abs").asDouble(Double.NaN),
              o.path("max_rel").asDouble(Double.NaN),
              o.path("passed").asBoolean(false),
              text(o, "problem")));
    }
    Map<String, List<Long>> shapes = new LinkedHashMap<>();
    r.path("input_shapes")
        .fields()
        .forEachRemaining(e -> shapes.put(e.getKey(), longs(e.getValue())));
    return new ConversionRecord(
        text(r, "source"),
        text(r, "framework"),
        text(r, "framework_version"),
        text(r, "converter"),
        text(r, "converter_version"),
        r.path("opset").asInt(),
        shapes,
        List.copyOf(outputs),
        r.path("tolerance").path("abs").asDouble(),
        r.path("tolerance").path("rel").asDouble(),
        r.path("seed").asLong(),
        text(r, "onnxruntime_version"),
        seconds(r.path("seconds")),
        r.path("passed").asBoolean(false),
        r.hasNonNull("converted_at") ? Instant.parse(r.path("converted_at").asText()) : null,
        text(r, "converted_by"),
        texts(r.path("details")));
  }

  private static Map<String, String> texts(JsonNode object) {
    Map<String, String> out = new LinkedHashMap<>();
    object.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }

  /** The record of a converted project folder, or null when it has none (or an unreadable one). */
  public static ConversionRecord read(Path projectDirectory) {
    Path file = projectDirectory.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      return null;
    }
    try {
      return fromJson(Json.mapper().readTree(file.toFile()));
    } catch (IOException | RuntimeException e) {
      return null; // a damaged record costs only its display
    }
  }

  /**
   * The record as lineage entries ({@code conversion.converter = tf2onnx 1.17.0}, one {@code
   * conversion.output.NAME} per output), for a pulled model that GPUX converted.
   */
  public Map<String, String> toLineage() {
    Map<String, String> l = new LinkedHashMap<>();
    l.put(LINEAGE_PREFIX + "source", source);
    l.put(LINEAGE_PREFIX + "framework", join(framework, frameworkVersion));
    l.put(LINEAGE_PREFIX + "converter", join(converter, converterVersion));
    l.put(LINEAGE_PREFIX + "opset", String.valueOf(opset));
    List<String> shapes = new ArrayList<>();
    inputShapes.forEach((k, v) -> shapes.add(k + "=" + ConvertOptions.format(v)));
    l.put(LINEAGE_PREFIX + "input_shapes", String.join(", ", shapes));
    for (OutputCheck o : outputs) {
      l.put(LINEAGE_PREFIX + "output." + o.name(), o.summary());
    }
    l.put(LINEAGE_PREFIX + "tolerance", toleranceText());
    l.put(
        LINEAGE_PREFIX + "check",
        (passed ? "passed" : "failed")
            + " (seed "
            + seed
            + (onnxruntimeVersion == null ? "" : ", onnxruntime " + onnxruntimeVersion)
            + ")");
    details.forEach((k, v) -> l.putIfAbsent(LINEAGE_PREFIX + k, v));
    if (convertedAt != null) {
      l.put(LINEAGE_PREFIX + "converted_at", convertedAt.toString());
    }
    l.values().removeIf(java.util.Objects::isNull);
    return l;
  }

  private static String join(String name, String version) {
    return version == null || version.isEmpty() ? name : name + " " + version;
  }

  private static String text(JsonNode n, String field) {
    return n.hasNonNull(field) ? n.get(field).asText() : null;
  }

  private static Map<String, Double> seconds(JsonNode steps) {
    Map<String, Double> out = new LinkedHashMap<>();
    steps.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asDouble()));
    return java.util.Collections.unmodifiableMap(out);
  }

  private static List<Long> longs(JsonNode array) {
    List<Long> out = new ArrayList<>();
    array.forEach(d -> out.add(d.asLong()));
    return List.copyOf(out);
  }
}
