package io.gpux.registry.mlflow;

import static io.gpux.registry.mlflow.MlflowApi.params;

import com.fasterxml.jackson.databind.JsonNode;
import io.gpux.error.ErrorCategory;
import io.gpux.error.GpuxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the exact model version a target names, with errors that list what exists: similar model
 * names for a missing model, the aliases for a missing alias, the versions and stages for a missing
 * version or stage.
 */
final class MlflowVersions {
  private final MlflowApi api;

  MlflowVersions(MlflowApi api) {
    this.api = api;
  }

  JsonNode find(MlflowTarget t) {
    JsonNode model = registeredModel(t.name());
    try {
      return switch (t.kind()) {
        case VERSION ->
            api.get("model-versions/get", params("name", t.name(), "version", t.qualifier()))
                .path("model_version");
        case ALIAS ->
            api.get("registered-models/alias", params("name", t.name(), "alias", t.qualifier()))
                .path("model_version");
        case STAGE, LATEST -> latest(t, model);
        default -> throw new IllegalArgumentException(t.kind().name());
      };
    } catch (GpuxException e) {
      if (e.category() == ErrorCategory.NOT_FOUND
          || e.category() == ErrorCategory.INVALID_INPUT
              && e.problem().toLowerCase().contains("not found")) {
        throw missing(t, model);
      }
      throw e;
    }
  }

  /**
   * {@link #find} in one request where MLflow allows it (an alias, a stage, {@code latest}): the
   * registered model is read only when the answer is an error, for its hint.
   */
  JsonNode current(MlflowTarget t) {
    try {
      return switch (t.kind()) {
        case ALIAS ->
            api.get("registered-models/alias", params("name", t.name(), "alias", t.qualifier()))
                .path("model_version");
        case STAGE, LATEST -> {
          Map<String, String> p = new LinkedHashMap<>(params("name", t.name()));
          if (t.kind() == MlflowTarget.Kind.STAGE) {
            p.put("stages", t.qualifier());
          }
          JsonNode best = null;
          for (JsonNode v :
              api.get("registered-models/get-latest-versions", p).path("model_versions")) {
            if (best == null || v.path("version").asLong() > best.path("version").asLong()) {
              best = v;
            }
          }
          yield best == null ? find(t) : best;
        }
        default -> find(t);
      };
    } catch (GpuxException e) {
      if (e.category() == ErrorCategory.UNAVAILABLE) {
        throw e;
      }
      return find(t); // the same answer with the error that names what exists
    }
  }

  /** The registered model, or NOT_FOUND naming similar models. */
  JsonNode registeredModel(String name) {
    try {
      return api.get("registered-models/get", params("name", name)).path("registered_model");
    } catch (GpuxException e) {
      if (e.category() != ErrorCategory.NOT_FOUND || MlflowErrors.noWorkspace(e)) {
        throw e;
      }
      throw new GpuxException(
          ErrorCategory.NOT_FOUND,
          "no registered model '" + name + "' on " + api.where(),
          similar(name));
    }
  }

  /** Every version of a model, all pages. */
  List<JsonNode> all(String name) {
    registeredModel(name);
    List<JsonNode> out = new ArrayList<>();
    String page = null;
    do {
      JsonNode r =
          api.get(
              "model-versions/search",
              params(
                  "filter",
                  "name = '" + name.replace("'", "\\'") + "'",
                  "max_results",
                  "1000",
                  "page_token",
                  page));
      r.path("model_versions").forEach(out::add);
      page = r.path("next_page_token").asText(null);
    } while (page != null && !page.isEmpty());
    return out;
  }

  /** The highest version in a stage, or in any stage for {@code latest}, as the client picks. */
  private JsonNode latest(MlflowTarget t, JsonNode model) {
    Map<String, String> p = new LinkedHashMap<>(params("name", t.name()));
    if (t.kind() == MlflowTarget.Kind.STAGE) {
      p.put("stages", t.qualifier());
    }
    JsonNode best = null;
    for (JsonNode v : api.get("registered-models/get-latest-versions", p).path("model_versions")) {
      if (best == null || v.path("version").asLong() > best.path("version").asLong()) {
        best = v;
      }
    }
    if (best == null) {
      throw missing(t, model);
    }
    return best;
  }

  private GpuxException missing(MlflowTarget t, JsonNode model) {
    List<String> aliases = new ArrayList<>();
    model
        .path("aliases")
        .forEach(a -> aliases.add(a.path("alias").asText() + " -> " + a.path("version").asText()));
    List<String> versions = new ArrayList<>();
    try {
      for (JsonNode v : all(t.name())) {
        String stage = v.path("current_stage").asText("None");
        versions.add(v.path("version").asText() + (stage.equals("None") ? "" : " (" + stage + ")"));
      }
    } catch (GpuxException ignored) {
      // The hint is best effort.
    }
    String what =
        switch (t.kind()) {
          case ALIAS -> "no alias '" + t.qualifier() + "'";
          case VERSION -> "no version " + t.qualifier();
          case STAGE -> "no version in stage '" + t.qualifier() + "'";
          default -> "no versions";
        };
    String hint =
        t.kind() == MlflowTarget.Kind.ALIAS
            ? (aliases.isEmpty()
                ? "it has no aliases; its versions: " + String.join(", ", versions)
                : "its aliases: " + String.join(", ", aliases))
            : (versions.isEmpty()
                ? "register a version first (mlflow.onnx.log_model(..., registered_model_name=...))"
                : "its versions: "
                    + String.join(", ", versions)
                    + (aliases.isEmpty() ? "" : "; aliases: " + String.join(", ", aliases)));
    return new GpuxException(
        ErrorCategory.NOT_FOUND, "registered model '" + t.name() + "' has " + what, hint);
  }

  private String similar(String name) {
    List<String> names = new ArrayList<>();
    String[] words = name.split("[-_.\\s]+");
    String key = words.length == 0 ? name : words[0];
    try {
      for (JsonNode m :
          api.get(
                  "registered-models/search",
                  params(
                      "filter", "name ILIKE '%" + key.replace("'", "") + "%'", "max_results", "10"))
              .path("registered_models")) {
        names.add(m.path("name").asText());
      }
    } catch (GpuxException ignored) {
      // The hint is best effort.
    }
    return names.isEmpty()
        ? "check the name (gpux search -r mlflow lists the registered models)"
        : "similar models: " + String.join(", ", names);
  }
}
