package io.gpux.ref;

import io.gpux.GpuxException;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Parses model references. The set of registry prefixes is given (the plug-ins that are installed),
 * so {@code bert:latest} is a local name with a tag while {@code hf:bert} names the Hugging Face
 * registry.
 */
public final class ModelRefParser {
  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._-]+");
  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9._-]+");
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.-]+(:[0-9]{1,5})?");

  private final Map<String, String> prefixes;

  /**
   * @param prefixes each accepted prefix (lower case) mapped to its registry's canonical name, e.g.
   *     {@code huggingface -> hf}
   */
  public ModelRefParser(Map<String, String> prefixes) {
    this.prefixes = Map.copyOf(prefixes);
  }

  /** The built-in registries' prefixes. */
  public static ModelRefParser withBuiltInRegistries() {
    return new ModelRefParser(BUILT_IN_PREFIXES);
  }

  /** The prefixes of the registries GPUX knows, each mapped to its canonical name. */
  public static final Map<String, String> BUILT_IN_PREFIXES =
      Map.of(
          "hf", "hf",
          "huggingface", "hf",
          "mlflow", "mlflow",
          "wandb", "wandb",
          "zoo", "zoo",
          "kaggle", "kaggle",
          "tfhub", "kaggle",
          "torchhub", "torchhub",
          "oci", "oci");

  public ModelRef parse(String text) {
    if (text == null || text.isBlank()) {
      throw invalid(String.valueOf(text), "is empty");
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isISOControl(c) || Character.isWhitespace(c)) {
        throw invalid(text, "contains a space or control character");
      }
    }
    if (text.startsWith("oci://")) {
      return parseOci(text, text.substring("oci://".length()));
    }
    if (text.startsWith("models:/") || text.startsWith("runs:/")) {
      return mlflowUri(text);
    }
    String registry = null;
    String rest = text;
    int colon = text.indexOf(':');
    int slash = text.indexOf('/');
    if (colon > 0 && (slash < 0 || colon < slash)) {
      String prefix = text.substring(0, colon).toLowerCase(Locale.ROOT);
      if (prefixes.containsKey(prefix)) {
        registry = prefixes.get(prefix);
        rest = text.substring(colon + 1);
        if (registry.equals("oci")) {
          return parseOci(text, rest.startsWith("//") ? rest.substring(2) : rest);
        }
      }
    }
    String version = null;
    int at = rest.indexOf('@');
    if (at >= 0) {
      version = rest.substring(at + 1);
      rest = rest.substring(0, at);
      if (version.isEmpty()) {
        throw invalid(text, "has an empty version after '@'");
      }
    }
    if ("torchhub".equals(registry)) {
      return torchHub(text, rest, version);
    }
    if ("mlflow".equals(registry)) {
      return mlflow(text, rest, version);
    }
    String tag = null;
    int lastSlash = rest.lastIndexOf('/');
    int tagColon = rest.indexOf(':', lastSlash + 1);
    if (tagColon >= 0) {
      tag = rest.substring(tagColon + 1);
      rest = rest.substring(0, tagColon);
      if (!TAG.matcher(tag).matches()) {
        throw invalid(text, "has an invalid tag '" + tag + "' (letters, digits, '.', '_', '-')");
      }
    }
    checkName(text, rest);
    return new ModelRef(registry, rest, version, tag);
  }

  private ModelRef parseOci(String text, String rest) {
    String version = null;
    int at = rest.indexOf('@');
    if (at >= 0) {
      version = rest.substring(at + 1);
      rest = rest.substring(0, at);
      if (!version.matches("[a-z0-9]+:[a-f0-9]{32,}")) {
        throw invalid(text, "has an invalid digest '" + version + "' (expected sha256:<hex>)");
      }
    }
    int slash = rest.indexOf('/');
    if (slash <= 0 || !HOST.matcher(rest.substring(0, slash)).matches()) {
      throw invalid(text, "needs a registry host, as in oci://localhost:5000/team/model:tag");
    }
    String host = rest.substring(0, slash);
    String path = rest.substring(slash + 1);
    String tag = null;
    int tagColon = path.indexOf(':', path.lastIndexOf('/') + 1);
    if (tagColon >= 0) {
      tag = path.substring(tagColon + 1);
      path = path.substring(0, tagColon);
      if (!TAG.matcher(tag).matches()) {
        throw invalid(text, "has an invalid tag '" + tag + "'");
      }
    }
    checkName(text, path);
    return new ModelRef("oci", host + "/" + path, version, tag);
  }

  /** {@code owner/repo[:ref]/entrypoint}: the git ref sits inside the name, it is not a tag. */
  private static ModelRef torchHub(String text, String rest, String version) {
    java.util.regex.Matcher m =
        Pattern.compile(
                "([A-Za-z0-9._-]+)/([A-Za-z0-9._-]+)(?::([A-Za-z0-9._/-]+?))?/([A-Za-z0-9_]+)")
            .matcher(rest);
    if (!m.matches()) {
      throw invalid(
          text,
          "is not owner/repo[:ref]/entrypoint, as in torchhub:pytorch/vision:v0.10.0/resnet18");
    }
    checkName(text, m.group(1) + "/" + m.group(2) + "/" + m.group(4));
    if (m.group(3) != null) {
      checkName(text, m.group(3));
    }
    return new ModelRef("torchhub", rest, version, null);
  }

  /**
   * MLflow's own URIs: {@code models:/name/3}, {@code models:/name/Production}, {@code
   * models:/name@alias}, {@code models:/m-<id>} (a logged model) and {@code runs:/id/path}.
   */
  private ModelRef mlflowUri(String text) {
    boolean runs = text.startsWith("runs:/");
    String rest = text.substring(runs ? "runs:/".length() : "models:/".length());
    if (runs) {
      checkName(text, rest);
      if (!rest.contains("/")) {
        throw invalid(text, "needs a path inside the run, as in runs:/<run_id>/model");
      }
      return new ModelRef("mlflow", "runs/" + rest, null, null);
    }
    String alias = null;
    int at = rest.indexOf('@');
    if (at >= 0) {
      alias = rest.substring(at + 1);
      rest = rest.substring(0, at);
      if (alias.isEmpty()) {
        throw invalid(text, "has an empty alias after '@'");
      }
    }
    return mlflow(text, rest, alias);
  }

  /**
   * {@code mlflow:name/3}, {@code mlflow:name/Production}, {@code mlflow:name/latest} and {@code
   * mlflow:name@alias}. In the reference the alias is the {@code version} (after '@', as MLflow
   * writes it) and the version number or stage is the {@code tag}, so the canonical text {@code
   * mlflow:name:3} parses back to the same reference and the store finds a pulled version under
   * either. A name starting with {@code runs/} is a run's artifact path, kept whole.
   */
  private static ModelRef mlflow(String text, String rest, String alias) {
    String tag = null;
    int colon = rest.indexOf(':');
    if (colon >= 0) {
      tag = rest.substring(colon + 1);
      rest = rest.substring(0, colon);
    } else if (!rest.startsWith("runs/") && rest.contains("/")) {
      tag = rest.substring(rest.lastIndexOf('/') + 1);
      rest = rest.substring(0, rest.lastIndexOf('/'));
    }
    if (tag != null && !TAG.matcher(tag).matches()) {
      throw invalid(text, "has an invalid version or stage '" + tag + "'");
    }
    if (tag != null && alias != null) {
      throw invalid(text, "names both a version and an alias; give one");
    }
    checkName(text, rest);
    return new ModelRef("mlflow", rest, alias, tag);
  }

  private static void checkName(String text, String name) {
    if (name.isEmpty()) {
      throw invalid(text, "has no model name");
    }
    for (String segment : name.split("/", -1)) {
      if (segment.isEmpty()) {
        throw invalid(text, "has an empty path segment (a leading, trailing or double '/')");
      }
      if (segment.equals(".") || segment.equals("..")) {
        throw invalid(text, "has a '" + segment + "' segment");
      }
      if (!SEGMENT.matcher(segment).matches()) {
        throw invalid(
            text, "has '" + segment + "' (names use letters, digits, '.', '_', '-' and '/')");
      }
    }
  }

  private static GpuxException invalid(String text, String why) {
    return GpuxException.invalidInput(
        "invalid model reference '" + text + "': it " + why,
        "write [registry:]name[@version|:tag], e.g. hf:org/model@main or ./my-project");
  }
}
