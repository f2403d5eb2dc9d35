package io.gpux.workspace;

import io.gpux.error.GpuxException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The registry settings a workspace may set ({@code gpux workspace set KEY VALUE}), each standing
 * for the environment variable a registry reads: a workspace's value wins over the environment, so
 * team A's MLflow tracking URI applies in team A's workspace only. Secrets are refused: the index
 * may be shared by a team, and credentials stay with {@code gpux login} and the environment.
 */
public final class WorkspaceSettings {
  /** Key, then the variable it sets. */
  public static final Map<String, String> KEYS = keys();

  private static Map<String, String> keys() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("hf.endpoint", "HF_ENDPOINT");
    m.put("mlflow.tracking_uri", "MLFLOW_TRACKING_URI");
    m.put("mlflow.workspace", "MLFLOW_WORKSPACE");
    m.put("wandb.base_url", "WANDB_BASE_URL");
    m.put("wandb.entity", "WANDB_ENTITY");
    m.put("kaggle.endpoint", "KAGGLE_API_ENDPOINT");
    return m;
  }

  private WorkspaceSettings() {}

  /**
   * {@code key} checked: a known key, never a secret.
   *
   * @return the variable it sets
   */
  public static String check(String key, String value) {
    String k = key.toLowerCase(Locale.ROOT);
    if (k.contains("token")
        || k.contains("password")
        || k.contains("secret")
        || k.contains("api_key")
        || k.endsWith(".key")) {
      throw GpuxException.invalidInput(
          "a workspace does not keep secrets (" + key + ")",
          "credentials stay on this machine: `gpux login REGISTRY`, or the registry's variable");
    }
    String variable = KEYS.get(k);
    if (variable == null) {
      throw GpuxException.invalidInput(
          "unknown workspace setting '" + key + "'",
          "settings: " + String.join(", ", KEYS.keySet()));
    }
    if (value != null && value.matches("(?i)[a-z][a-z0-9+.-]*://[^/@]*@.*")) {
      throw GpuxException.invalidInput(
          "a workspace does not keep secrets (" + key + " has credentials in its URL)",
          "set the URL without user:password@, and the credentials with `gpux login`");
    }
    if (k.equals("mlflow.workspace") && value != null) {
      checkMlflowWorkspace(value);
    }
    return variable;
  }

  /**
   * MLflow's own rule for a workspace name (its {@code WorkspaceNameValidator}, which {@code
   * mlflow.set_workspace} applies): 2 to 63 lowercase letters, digits and inner hyphens, not one of
   * the server's reserved path names; {@code default} is always valid.
   */
  static void checkMlflowWorkspace(String name) {
    if (name.equals("default")) {
      return;
    }
    boolean reserved =
        java.util.Set.of("workspaces", "api", "ajax-api", "static-files").contains(name);
    if (reserved
        || name.length() < 2
        || name.length() > 63
        || !name.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?")) {
      throw GpuxException.invalidInput(
          "'" + name + "' is not an MLflow workspace name",
          reserved
              ? "'" + name + "' is reserved by the MLflow server; choose another name"
              : "MLflow workspace names are 2 to 63 lowercase letters, digits and inner hyphens,"
                  + " e.g. team-a");
    }
  }

  /** The environment variables a workspace's settings stand for. */
  public static Map<String, String> variables(Map<String, String> settings) {
    Map<String, String> out = new LinkedHashMap<>();
    settings.forEach(
        (k, v) -> {
          String variable = KEYS.get(k);
          if (variable != null) {
            out.put(variable, v);
          }
        });
    return out;
  }
}
