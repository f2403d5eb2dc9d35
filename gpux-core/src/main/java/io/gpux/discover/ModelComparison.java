package io.gpux.discover;

import io.gpux.benchmark.LatencyStats;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Models side by side: a column per model ({@link #models}), and {@link #rows} of comparable values
 * with the best of each marked where "best" has a direction (smaller, faster, more accurate).
 */
public record ModelComparison(List<ComparedModel> models) {
  /** Which way a row's best value lies. */
  public enum Best {
    LOWEST,
    HIGHEST,
    NONE
  }

  /**
   * One row: a value per model (a number, text, a list, or null when unknown) and the columns that
   * hold its best value (empty when the values are equal, unknown or not ordered).
   *
   * @param source where the values come from, for the quality figures; else null
   */
  public record Row(String key, List<Object> values, List<Integer> best, String source) {}

  public ModelComparison {
    models = List.copyOf(models);
  }

  public List<Row> rows() {
    List<Row> rows = new ArrayList<>();
    add(rows, "registry", Best.NONE, ComparedModel::registry);
    add(rows, "version", Best.NONE, ComparedModel::version);
    add(rows, "size_bytes", Best.LOWEST, m -> m.sizeBytes() < 0 ? null : m.sizeBytes());
    add(rows, "parameters", Best.LOWEST, ComparedModel::parameters);
    add(rows, "ir_version", Best.NONE, ComparedModel::irVersion);
    add(rows, "opset", Best.NONE, m -> m.opset() < 0 ? null : m.opset());
    add(rows, "operators", Best.LOWEST, m -> (long) m.nodes());
    add(rows, "operator_types", Best.NONE, m -> (long) m.operators().size());
    add(rows, "provider", Best.NONE, ComparedModel::provider);
    add(
        rows,
        "unsupported_operators",
        Best.LOWEST,
        m -> m.provider() == null && m.unsupported().isEmpty() ? null : m.unsupported());
    add(rows, "inputs", Best.NONE, m -> m.inputs().stream().map(Signatures::describe).toList());
    add(rows, "outputs", Best.NONE, m -> m.outputs().stream().map(Signatures::describe).toList());
    add(rows, "replaces", Best.NONE, this::replaces);
    add(rows, "license", Best.NONE, ComparedModel::license);
    add(rows, "task", Best.NONE, ComparedModel::task);
    add(
        rows,
        "labels",
        Best.NONE,
        m ->
            m.labels().isEmpty()
                ? null
                : m.labels().values().stream().flatMap(List::stream).toList());
    // One row per figure, metric and source: two models' accuracy on the same footing.
    Map<String, ComparedModel.Figure> kinds = new TreeMap<>();
    for (ComparedModel m : models) {
      for (ComparedModel.Figure f : m.figures()) {
        kinds.putIfAbsent(figureKey(f), f);
      }
    }
    for (Map.Entry<String, ComparedModel.Figure> k : kinds.entrySet()) {
      List<Object> values = new ArrayList<>();
      for (ComparedModel m : models) {
        values.add(
            m.figures().stream()
                .filter(f -> figureKey(f).equals(k.getKey()))
                .map(f -> (Object) f.value())
                .findFirst()
                .orElse(null));
      }
      Best b = k.getValue().lowerIsBetter() ? Best.LOWEST : Best.HIGHEST;
      rows.add(new Row(k.getKey(), values, best(values, b), k.getValue().source()));
    }
    if (models.stream().anyMatch(m -> m.measurement() != null)) {
      add(rows, "p50_ms", Best.LOWEST, m -> stat(m, true, LatencyStats::medianMs));
      add(rows, "p99_ms", Best.LOWEST, m -> stat(m, true, LatencyStats::p99Ms));
      add(
          rows,
          "throughput_per_s",
          Best.HIGHEST,
          m -> stat(m, true, LatencyStats::throughputPerSecond));
      add(
          rows,
          "batch_size",
          Best.NONE,
          m -> m.measurement() == null ? null : m.measurement().batchSize());
      add(rows, "batch_p50_ms", Best.LOWEST, m -> stat(m, false, LatencyStats::medianMs));
      add(rows, "batch_p99_ms", Best.LOWEST, m -> stat(m, false, LatencyStats::p99Ms));
      add(
          rows,
          "batch_rows_per_s",
          Best.HIGHEST,
          m -> {
            Double calls = stat(m, false, LatencyStats::throughputPerSecond);
            return calls == null ? null : calls * m.measurement().batchSize();
          });
      add(
          rows,
          "peak_memory_bytes",
          Best.LOWEST,
          m ->
              m.measurement() == null || m.measurement().peakMemoryBytes() < 0
                  ? null
                  : m.measurement().peakMemoryBytes());
    }
    return rows;
  }

  /** For each model, the references of the others it can stand in for (the same signature). */
  public Map<String, List<String>> replaceable() {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (ComparedModel m : models) {
      out.put(m.reference(), replaces(m));
    }
    return out;
  }

  private List<String> replaces(ComparedModel m) {
    List<String> out = new ArrayList<>();
    for (ComparedModel o : models) {
      if (o != m && m.sameSignature(o)) {
        out.add(o.reference());
      }
    }
    return out;
  }

  private static String figureKey(ComparedModel.Figure f) {
    return f.metric() + (f.dataset() == null ? "" : " (" + f.dataset() + ")");
  }

  private static Double stat(ComparedModel m, boolean one, Function<LatencyStats, Double> f) {
    if (m.measurement() == null) {
      return null;
    }
    LatencyStats s = one ? m.measurement().batchOne() : m.measurement().atBatch();
    return s == null ? null : f.apply(s);
  }

  private void add(List<Row> rows, String key, Best b, Function<ComparedModel, Object> value) {
    List<Object> values = new ArrayList<>();
    models.forEach(m -> values.add(value.apply(m)));
    rows.add(new Row(key, values, best(values, b), null));
  }

  /** The columns holding the best number; none when fewer than two are known or all are equal. */
  static List<Integer> best(List<Object> values, Best b) {
    if (b == Best.NONE) {
      return List.of();
    }
    List<Double> numbers = new ArrayList<>();
    for (Object v : values) {
      numbers.add(
          v instanceof Number n
              ? (Double) n.doubleValue()
              : v instanceof List<?> l ? (Double) (double) l.size() : null);
    }
    List<Double> known = numbers.stream().filter(java.util.Objects::nonNull).toList();
    if (known.size() < 2 || known.stream().distinct().count() == 1) {
      return List.of();
    }
    double target =
        b == Best.LOWEST
            ? known.stream().mapToDouble(Double::doubleValue).min().orElseThrow()
            : known.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < numbers.size(); i++) {
      if (numbers.get(i) != null && numbers.get(i) == target) {
        out.add(i);
      }
    }
    return out;
  }
}
