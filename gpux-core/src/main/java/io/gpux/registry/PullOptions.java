package io.gpux.registry;

import java.util.List;

/**
 * What to pull.
 *
 * @param include glob patterns of files to fetch in addition to what the registry picks (or, when
 *     {@code only} is set, instead of it)
 * @param exclude glob patterns of files never to fetch
 * @param variant a model variant where a registry has several (Hugging Face: {@code quantized},
 *     {@code fp16}, ... picks {@code onnx/model_<variant>.onnx})
 * @param force fetch again even when the version is already in the store
 * @param trust the user trusts the model's own code to run ({@code --trust}): a PyTorch Hub
 *     repository's hubconf.py, a Hugging Face repository's pickle {@code .bin} weights; a registry
 *     whose models are code refuses them without it (or its own list of trusted sources)
 * @param convert a model with no ONNX file may be converted to ONNX after the download ({@code
 *     --convert}; Hugging Face: Transformers weights)
 * @param task the task head a conversion exports ({@code --task}), null: from the repository
 */
public record PullOptions(
    List<String> include,
    List<String> exclude,
    String variant,
    boolean force,
    boolean trust,
    boolean convert,
    String task) {

  public PullOptions(List<String> include, List<String> exclude, String variant, boolean force) {
    this(include, exclude, variant, force, false, false, null);
  }

  public PullOptions(
      List<String> include, List<String> exclude, String variant, boolean force, boolean trust) {
    this(include, exclude, variant, force, trust, false, null);
  }

  /**
   * The variant under which a registry serves a model together with its test data ({@code
   * test_data_set_*}; the ONNX Model Zoo's {@code model_with_data} archive), for {@code gpux test}.
   */
  public static final String TEST_DATA = "test-data";

  public PullOptions {
    include = List.copyOf(include);
    exclude = List.copyOf(exclude);
  }

  public static PullOptions defaults() {
    return new PullOptions(List.of(), List.of(), null, false);
  }

  /**
   * The file selection as a short label, or null for the registry's default choice: the variant,
   * and for {@code --include}/{@code --exclude} a digest of the patterns ({@code quantized}, {@code
   * files-1a2b3c4d}, {@code fp16+files-1a2b3c4d}). Copies of one version with different selections
   * are stored side by side (see {@code docs/store.md}), so one never passes for another.
   */
  public String selection() {
    List<String> parts = new java.util.ArrayList<>();
    if (variant != null && !variant.isBlank()) {
      parts.add(variant.trim());
    }
    // Another head is another model: its conversion is stored beside the repository's own.
    if (task != null && !task.isBlank()) {
      parts.add("task-" + task.trim());
    }
    if (!include.isEmpty() || !exclude.isEmpty()) {
      String canonical = "include=" + include + ";exclude=" + exclude;
      try {
        byte[] d =
            java.security.MessageDigest.getInstance("SHA-256")
                .digest(canonical.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        parts.add("files-" + java.util.HexFormat.of().formatHex(d, 0, 4));
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException("every JVM has SHA-256", e);
      }
    }
    return parts.isEmpty() ? null : String.join("+", parts);
  }

  public PullOptions withForce(boolean f) {
    return new PullOptions(include, exclude, variant, f, trust, convert, task);
  }

  public PullOptions withTrust(boolean t) {
    return new PullOptions(include, exclude, variant, force, t, convert, task);
  }

  /** With {@code --convert}, {@code --trust} and {@code --task}. */
  public PullOptions withConversion(boolean convert, boolean trust, String task) {
    return new PullOptions(include, exclude, variant, force, trust, convert, task);
  }
}
