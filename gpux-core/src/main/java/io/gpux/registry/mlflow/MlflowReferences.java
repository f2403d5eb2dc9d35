package io.gpux.registry.mlflow;

import io.gpux.ref.ModelRef;
import io.gpux.ref.ReferenceGrammar;
import io.gpux.ref.ReferenceSyntax;

/**
 * MLflow's reference forms: {@code mlflow:name/3}, {@code mlflow:name/Production}, {@code
 * mlflow:name/latest}, {@code mlflow:name@alias}, and MLflow's own URIs {@code models:/name/3},
 * {@code models:/name@alias}, {@code models:/m-<id>} (a logged model) and {@code runs:/id/path}.
 *
 * <p>In the parsed reference the alias is the {@code version} (after '@', as MLflow writes it) and
 * the version number or stage is the {@code tag}, so the canonical text {@code mlflow:name:3}
 * parses back to the same reference and the store finds a pulled version under either. A name
 * starting with {@code runs/} is a run's artifact path, kept whole.
 */
final class MlflowReferences implements ReferenceGrammar {
  static final String MODELS_URI = "models:/";
  static final String RUNS_URI = "runs:/";

  @Override
  public ModelRef parse(String registry, String prefix, String rest, String text) {
    if (prefix.equals(RUNS_URI)) {
      ReferenceSyntax.checkName(text, rest);
      if (!rest.contains("/")) {
        throw ReferenceSyntax.invalid(
            text, "needs a path inside the run, as in runs:/<run_id>/model");
      }
      return new ModelRef(registry, "runs/" + rest, null, null);
    }
    String alias = null;
    int at = rest.indexOf('@');
    if (at >= 0) {
      alias = rest.substring(at + 1);
      rest = rest.substring(0, at);
      if (alias.isEmpty()) {
        throw ReferenceSyntax.invalid(
            text,
            prefix.equals(MODELS_URI)
                ? "has an empty alias after '@'"
                : "has an empty version after '@'");
      }
    }
    String tag = null;
    int colon = rest.indexOf(':');
    if (colon >= 0) {
      tag = rest.substring(colon + 1);
      rest = rest.substring(0, colon);
    } else if (!rest.startsWith("runs/") && rest.contains("/")) {
      tag = rest.substring(rest.lastIndexOf('/') + 1);
      rest = rest.substring(0, rest.lastIndexOf('/'));
    }
    if (tag != null) {
      ReferenceSyntax.checkTag(text, tag, "version or stage");
    }
    if (tag != null && alias != null) {
      throw ReferenceSyntax.invalid(text, "names both a version and an alias; give one");
    }
    ReferenceSyntax.checkName(text, rest);
    return new ModelRef(registry, rest, alias, tag);
  }

  /** {@code mlflow:name/3}: in MLflow's own syntax {@code name@3} would be an alias. */
  @Override
  public String exact(String registry, String name, String version) {
    return version.matches("\\d+")
        ? registry + ":" + name + "/" + version
        : ReferenceGrammar.super.exact(registry, name, version);
  }
}
