package io.gpux.registry.hf;

import io.gpux.error.GpuxException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Picks the files of a Hub repository that GPUX needs: one ONNX model (the plain one, or the {@code
 * --variant} asked for), its external-data files, and the tokenizer and configuration files beside
 * it or at the root. {@code --include} adds files, {@code --exclude} removes them.
 */
final class OnnxFileChoice {
  static final List<String> COMPANIONS =
      List.of(
          "tokenizer.json",
          "tokenizer_config.json",
          "special_tokens_map.json",
          "config.json",
          "vocab.txt",
          "merges.txt",
          "preprocessor_config.json",
          "generation_config.json",
          "sentencepiece.bpe.model",
          "spiece.model",
          "gpux.yml",
          "README.md");

  private OnnxFileChoice() {}

  static List<String> choose(
      String ref, List<String> files, String variant, List<String> include, List<String> exclude) {
    Set<String> chosen = new LinkedHashSet<>();
    List<PathMatcher> includes = matchers(include);
    // A name with a control character (a NUL, a line break) is never picked on its own: only an
    // --include can ask for it, and the pull then refuses it by name. The others still pull.
    List<String> plain =
        files.stream().filter(f -> f.chars().noneMatch(Character::isISOControl)).toList();
    String model = pickModel(ref, plain, variant, !include.isEmpty());
    if (model != null) {
      chosen.add(model);
      String dir = model.contains("/") ? model.substring(0, model.lastIndexOf('/') + 1) : "";
      String fileName = model.substring(dir.length());
      for (String f : plain) {
        String name = f.substring(f.lastIndexOf('/') + 1);
        boolean sameDir = f.startsWith(dir) && !f.substring(dir.length()).contains("/");
        if (sameDir && !f.equals(model) && name.startsWith(fileName) && !name.endsWith(".onnx")) {
          chosen.add(f); // model.onnx_data, model.onnx.data: external weights
        }
      }
      for (String companion : COMPANIONS) {
        if (plain.contains(dir + companion)) {
          chosen.add(dir + companion);
        } else if (plain.contains(companion)) {
          chosen.add(companion);
        }
      }
    }
    for (String f : files) {
      if (matches(includes, f)) {
        chosen.add(f);
      }
    }
    List<PathMatcher> excludes = matchers(exclude);
    chosen.removeIf(f -> matches(excludes, f));
    return new ArrayList<>(chosen);
  }

  /** The ONNX file to run, or null when the user picked files with --include alone. */
  static String pickModel(String ref, List<String> files, String variant, boolean haveIncludes) {
    List<String> onnx = files.stream().filter(f -> f.endsWith(".onnx")).toList();
    if (onnx.isEmpty()) {
      if (haveIncludes) {
        return null;
      }
      List<String> weights =
          files.stream()
              .filter(
                  f ->
                      f.endsWith(".safetensors")
                          || f.endsWith(".bin")
                          || f.endsWith(".pt")
                          || f.endsWith(".h5")
                          || f.endsWith(".pb")
                          || f.endsWith(".gguf"))
              .limit(5)
              .toList();
      throw GpuxException.notFound(
          ref
              + " has no ONNX model file"
              + (weights.isEmpty() ? "" : " (it has " + String.join(", ", weights) + ")"),
          "conversion from PyTorch/TensorFlow arrives in a later release; use a repository that ships an ONNX export (often an onnx/ folder), or fetch files with --include");
    }
    if (variant != null) {
      for (String candidate :
          List.of("onnx/model_" + variant + ".onnx", "model_" + variant + ".onnx")) {
        if (onnx.contains(candidate)) {
          return candidate;
        }
      }
      List<String> named =
          onnx.stream().filter(f -> f.substring(f.lastIndexOf('/') + 1).contains(variant)).toList();
      if (named.size() == 1) {
        return named.get(0);
      }
      throw GpuxException.notFound(
          ref + " has no ONNX variant '" + variant + "'",
          "its ONNX files: "
              + String.join(", ", onnx)
              + " (pick with --variant, e.g. "
              + variants(onnx)
              + ")");
    }
    for (String preferred : List.of("model.onnx", "onnx/model.onnx")) {
      if (onnx.contains(preferred)) {
        return preferred;
      }
    }
    if (onnx.size() == 1) {
      return onnx.get(0);
    }
    // Several exports and no plain model.onnx: take the shortest name (the unquantized one,
    // usually).
    return onnx.stream()
        .min(Comparator.comparingInt(String::length).thenComparing(Comparator.naturalOrder()))
        .orElseThrow();
  }

  private static String variants(List<String> onnx) {
    List<String> v = new ArrayList<>();
    for (String f : onnx) {
      String name = f.substring(f.lastIndexOf('/') + 1);
      if (name.startsWith("model_")) {
        v.add(name.substring("model_".length(), name.length() - ".onnx".length()));
      }
    }
    return v.isEmpty() ? "quantized" : String.join(", ", v);
  }

  private static List<PathMatcher> matchers(List<String> globs) {
    List<PathMatcher> out = new ArrayList<>();
    for (String g : globs) {
      out.add(FileSystems.getDefault().getPathMatcher("glob:" + g));
    }
    return out;
  }

  private static boolean matches(List<PathMatcher> matchers, String file) {
    if (matchers.isEmpty()) {
      return false;
    }
    Path p;
    try {
      p = Path.of(file);
    } catch (java.nio.file.InvalidPathException e) {
      p = Path.of(file.replace('\0', '\uFFFD')); // a NUL: matched as a placeholder character
    }
    for (PathMatcher m : matchers) {
      if (m.matches(p)) {
        return true;
      }
    }
    return false;
  }
}
