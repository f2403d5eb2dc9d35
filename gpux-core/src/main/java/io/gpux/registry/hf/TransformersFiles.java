package io.gpux.registry.hf;

import io.gpux.error.GpuxException;
import io.gpux.registry.PullOptions;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A repository with no ONNX file but Transformers weights at its root (config.json with {@code
 * *.safetensors}, or pickle {@code pytorch_model*.bin}): what {@code gpux pull --convert} fetches
 * to export it, and the refusals before a byte is fetched (no {@code --convert}; pickles without
 * {@code --trust}).
 */
final class TransformersFiles {
  /** Besides the weights: the configuration and the tokenizer, kept for text inputs. */
  static final List<String> COMPANIONS =
      List.of(
          "config.json",
          "tokenizer.json",
          "tokenizer_config.json",
          "special_tokens_map.json",
          "vocab.txt",
          "merges.txt",
          "generation_config.json",
          "README.md");

  private final List<String> safetensors;
  private final List<String> pickles;
  private final List<String> present;

  private TransformersFiles(List<String> safetensors, List<String> pickles, List<String> present) {
    this.safetensors = safetensors;
    this.pickles = pickles;
    this.present = present;
  }

  /** The repository's Transformers files, or null when it has an ONNX file or no such weights. */
  static TransformersFiles of(List<String> files) {
    if (files.stream().anyMatch(f -> f.endsWith(".onnx")) || !files.contains("config.json")) {
      return null;
    }
    List<String> root = files.stream().filter(f -> !f.contains("/")).toList();
    List<String> safetensors =
        root.stream()
            .filter(f -> f.endsWith(".safetensors") || f.equals("model.safetensors.index.json"))
            .toList();
    List<String> pickles =
        root.stream()
            .filter(
                f ->
                    f.startsWith("pytorch_model")
                        && (f.endsWith(".bin") || f.equals("pytorch_model.bin.index.json")))
            .toList();
    if (safetensors.stream().noneMatch(f -> f.endsWith(".safetensors")) && pickles.isEmpty()) {
      return null;
    }
    return new TransformersFiles(
        safetensors, pickles, root.stream().filter(COMPANIONS::contains).toList());
  }

  /** The files to fetch, or the refusal that names the flag missing. */
  List<String> choose(String ref, PullOptions options) {
    boolean safe = safetensors.stream().anyMatch(f -> f.endsWith(".safetensors"));
    List<String> weights = safe ? safetensors : pickles;
    if (!options.convert()) {
      throw GpuxException.invalidInput(
          ref
              + " has no ONNX file but Transformers weights ("
              + String.join(", ", weights.stream().limit(3).toList())
              + "): add --convert to export it to ONNX",
          "gpux pull "
              + ref
              + " --convert exports it in GPUX's Python environment and checks the export;"
              + " docs/convert.md");
    }
    if (!safe && !options.trust()) {
      throw GpuxException.invalidInput(
          ref
              + " has only pickle weights ("
              + String.join(", ", pickles.stream().limit(3).toList())
              + "), and loading a pickle runs code: add --trust to convert it",
          "only if you trust "
              + ref.substring(0, ref.indexOf('@') < 0 ? ref.length() : ref.indexOf('@'))
              + "'s authors; a safetensors copy of the weights needs no trust");
    }
    Set<String> chosen = new LinkedHashSet<>(present);
    chosen.addAll(weights);
    List<PathMatcher> excludes = new ArrayList<>();
    for (String g : options.exclude()) {
      excludes.add(FileSystems.getDefault().getPathMatcher("glob:" + g));
    }
    chosen.removeIf(f -> excludes.stream().anyMatch(m -> m.matches(Path.of(f))));
    return new ArrayList<>(chosen);
  }
}
