package io.gpux.discover;

import io.gpux.store.VersionManifest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The quality figures registries state, each with its source: the {@code model-index} results of a
 * Hugging Face model card (README.md's YAML front matter), the metrics of the MLflow run that
 * logged the model ({@code metric.*} in its lineage), a W&amp;B run's summary ({@code summary.*}).
 */
final class QualityFigures {
  static final String HF = "hf model-index";
  static final String MLFLOW = "mlflow run metrics";
  static final String WANDB = "wandb run summary";

  private QualityFigures() {}

  static List<ComparedModel.Figure> read(VersionManifest stored, Path directory) {
    List<ComparedModel.Figure> out = new ArrayList<>();
    if (stored != null) {
      String prefix =
          switch (stored.registry()) {
            case "mlflow" -> "metric.";
            case "wandb" -> "summary.";
            default -> null;
          };
      if (prefix != null) {
        for (Map.Entry<String, String> e : stored.lineage().entrySet()) {
          if (e.getKey().startsWith(prefix)
              && !e.getKey().substring(prefix.length()).startsWith("_")) {
            Double v = number(e.getValue());
            if (v != null) {
              out.add(
                  new ComparedModel.Figure(
                      e.getKey().substring(prefix.length()),
                      v,
                      null,
                      prefix.equals("metric.") ? MLFLOW : WANDB));
            }
          }
        }
      }
    }
    out.addAll(modelIndex(directory.resolve("README.md")));
    return out;
  }

  /** {@code model-index: [{results: [{dataset: {name}, metrics: [{type, value}]}]}]}. */
  static List<ComparedModel.Figure> modelIndex(Path readme) {
    List<ComparedModel.Figure> out = new ArrayList<>();
    if (!Files.isRegularFile(readme)) {
      return out;
    }
    try {
      String text = Files.readString(readme, StandardCharsets.UTF_8);
      if (!text.startsWith("---")) {
        return out;
      }
      int end = text.indexOf("\n---", 3);
      if (end < 0) {
        return out;
      }
      Object card = new Yaml(new SafeConstructor(new LoaderOptions())).load(text.substring(3, end));
      if (!(card instanceof Map<?, ?> m) || !(m.get("model-index") instanceof List<?> index)) {
        return out;
      }
      for (Object entry : index) {
        if (!(entry instanceof Map<?, ?> e) || !(e.get("results") instanceof List<?> results)) {
          continue;
        }
        for (Object r : results) {
          if (!(r instanceof Map<?, ?> result)) {
            continue;
          }
          String dataset =
              result.get("dataset") instanceof Map<?, ?> d && d.get("name") != null
                  ? String.valueOf(d.get("name"))
                  : null;
          if (result.get("metrics") instanceof List<?> metrics) {
            for (Object x : metrics) {
              if (x instanceof Map<?, ?> metric && metric.get("value") != null) {
                Double v = number(String.valueOf(metric.get("value")));
                Object name = metric.get("type") != null ? metric.get("type") : metric.get("name");
                if (v != null && name != null) {
                  out.add(new ComparedModel.Figure(String.valueOf(name), v, dataset, HF));
                }
              }
            }
          }
        }
      }
    } catch (IOException | RuntimeException unreadable) {
      // A card that is not YAML states no figures.
    }
    return out;
  }

  private static Double number(String s) {
    try {
      double v = Double.parseDouble(s.trim());
      return Double.isFinite(v) ? v : null;
    } catch (RuntimeException notANumber) {
      return null;
    }
  }
}
