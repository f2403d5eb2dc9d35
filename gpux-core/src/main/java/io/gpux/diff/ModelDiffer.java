package io.gpux.diff;

import io.gpux.diff.ModelDiff.Change;
import io.gpux.diff.ModelDiff.FileChange;
import io.gpux.diff.ModelDiff.Status;
import io.gpux.error.GpuxException;
import io.gpux.onnx.OnnxModelInfo;
import io.gpux.onnx.OnnxModelReader;
import io.gpux.onnx.OnnxValueInfo;
import io.gpux.project.Project;
import io.gpux.project.ProjectLocator;
import io.gpux.project.TensorSpec;
import io.gpux.store.ManifestFile;
import io.gpux.store.VersionManifest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** Computes a {@link ModelDiff} from two stored versions and their snapshots on disk. */
public final class ModelDiffer {
  private ModelDiffer() {}

  /**
   * One side of a diff.
   *
   * @param snapshot the version's files at their paths (the store's snapshot folder)
   */
  public record Side(String reference, VersionManifest manifest, Path snapshot) {}

  public static ModelDiff diff(Side a, Side b) {
    Model ma = Model.read(a);
    Model mb = Model.read(b);
    return new ModelDiff(
        a.reference(),
        b.reference(),
        files(a.manifest(), b.manifest()),
        b.manifest().sizeBytes() - a.manifest().sizeBytes(),
        compare(ma.inputs, mb.inputs),
        compare(ma.outputs, mb.outputs),
        compare(ma.opsets, mb.opsets),
        compare(ma.metadata, mb.metadata),
        compare(ma.labels, mb.labels),
        compare(figures(a.manifest(), true), figures(b.manifest(), true)),
        compare(figures(a.manifest(), false), figures(b.manifest(), false)));
  }

  private static List<FileChange> files(VersionManifest a, VersionManifest b) {
    Map<String, ManifestFile> fa = byPath(a);
    Map<String, ManifestFile> fb = byPath(b);
    TreeSet<String> paths = new TreeSet<>(fa.keySet());
    paths.addAll(fb.keySet());
    List<FileChange> out = new ArrayList<>();
    for (String p : paths) {
      ManifestFile x = fa.get(p);
      ManifestFile y = fb.get(p);
      Status s =
          x == null
              ? Status.ADDED
              : y == null
                  ? Status.REMOVED
                  : x.sha256().equals(y.sha256()) ? Status.SAME : Status.CHANGED;
      out.add(
          new FileChange(
              p,
              x == null ? -1 : x.size(),
              y == null ? -1 : y.size(),
              x == null ? null : x.sha256(),
              y == null ? null : y.sha256(),
              s));
    }
    return out;
  }

  private static Map<String, ManifestFile> byPath(VersionManifest m) {
    Map<String, ManifestFile> out = new TreeMap<>();
    m.files().forEach(f -> out.put(f.path(), f));
    return out;
  }

  private static List<Change> compare(Map<String, String> a, Map<String, String> b) {
    TreeSet<String> keys = new TreeSet<>(a.keySet());
    keys.addAll(b.keySet());
    List<Change> out = new ArrayList<>();
    for (String k : keys) {
      String x = a.get(k);
      String y = b.get(k);
      Status s =
          x == null
              ? Status.ADDED
              : y == null ? Status.REMOVED : x.equals(y) ? Status.SAME : Status.CHANGED;
      out.add(new Change(k, x, y, s));
    }
    return out;
  }

  /**
   * The quality figures ({@code metrics}) or the settings ({@code !metrics}) of the producing run,
   * as the registries record them: MLflow {@code metric.*} and {@code param.*}, W&amp;B {@code
   * summary.*} and {@code config.*}.
   */
  private static Map<String, String> figures(VersionManifest m, boolean metrics) {
    String prefix =
        switch (m.registry()) {
          case "mlflow" -> metrics ? "metric." : "param.";
          case "wandb" -> metrics ? "summary." : "config.";
          default -> null;
        };
    Map<String, String> out = new TreeMap<>();
    if (prefix != null) {
      m.lineage()
          .forEach(
              (k, v) -> {
                if (k.startsWith(prefix)) {
                  out.put(k.substring(prefix.length()), v);
                }
              });
    }
    return out;
  }

  /** What the model's ONNX file and project say, as comparable text. */
  private record Model(
      Map<String, String> inputs,
      Map<String, String> outputs,
      Map<String, String> opsets,
      Map<String, String> metadata,
      Map<String, String> labels) {

    static Model read(Side side) {
      Project project;
      try {
        project = ProjectLocator.fromDirectory(side.snapshot());
      } catch (GpuxException noModel) {
        // A version without an ONNX file (or with several and no gpux.yml) has files to compare
        // and nothing else.
        return new Model(Map.of(), Map.of(), Map.of(), Map.of(), Map.of());
      }
      OnnxModelInfo info = OnnxModelReader.read(project.modelFile());
      Map<String, String> opsets = new TreeMap<>();
      info.opsets().forEach((d, v) -> opsets.put(d.isEmpty() ? "ai.onnx" : d, Long.toString(v)));
      Map<String, String> labels = new TreeMap<>();
      for (TensorSpec out : project.config().outputs()) {
        if (out.labels() != null) {
          labels.put(out.name(), String.join(",", out.labels()));
        }
      }
      return new Model(
          signature(info.inputs()),
          signature(info.outputs()),
          opsets,
          new TreeMap<>(info.metadata()),
          labels);
    }

    private static Map<String, String> signature(List<OnnxValueInfo> values) {
      Map<String, String> out = new TreeMap<>();
      for (OnnxValueInfo v : values) {
        String type = v.elementType() == null ? "?" : v.elementType().toString();
        String shape =
            v.shape() == null
                ? "[?]"
                : v.shape().stream()
                    .map(Objects::toString)
                    .collect(Collectors.joining(",", "[", "]"));
        out.put(v.name(), type + shape);
      }
      return out;
    }
  }
}
