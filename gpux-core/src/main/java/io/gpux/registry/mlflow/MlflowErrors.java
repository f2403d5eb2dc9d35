package io.gpux.registry.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import io.gpux.error.ErrorCategory;
import io.gpux.error.GpuxException;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/**
 * MLflow's errors as GPUX errors. The server answers {@code {"error_code", "message"}} JSON, except
 * the basic-auth app, whose 401 and 403 are plain text; retrying 429 and 5xx has already happened
 * in the transport by the time a response gets here, and a 4xx is never retried.
 */
final class MlflowErrors {
  private MlflowErrors() {}

  private static final String NO_WORKSPACE = "no MLflow workspace '";

  /** Whether {@code e} says the MLflow workspace itself is missing (not a model in it). */
  static boolean noWorkspace(GpuxException e) {
    return e.problem().startsWith(NO_WORKSPACE);
  }

  /** A 2xx body as JSON, or the error it carries as a {@link GpuxException}. */
  static JsonNode check(HttpResponse<byte[]> r, MlflowApi api) {
    int status = r.statusCode();
    JsonNode body;
    try {
      body = MlflowApi.parse(r.body());
    } catch (IOException e) {
      body = null;
    }
    if (status / 100 == 2) {
      if (body == null) {
        throw GpuxException.unavailable(
            api.server() + " answered with something that is not JSON",
            "check MLFLOW_TRACKING_URI points at an MLflow tracking server");
      }
      return body;
    }
    String code = body == null ? "" : body.path("error_code").asText("");
    String message =
        body == null
            ? new String(r.body(), StandardCharsets.UTF_8).strip()
            : body.path("message").asText("");
    if (message.length() > 300) {
      message = message.substring(0, 300) + "...";
    }
    throw error(status, code, message, api);
  }

  static GpuxException error(int status, String code, String message, MlflowApi api) {
    String credential = api.credentialKind();
    if (status == 401 || "UNAUTHENTICATED".equals(code)) {
      return new GpuxException(
          ErrorCategory.INVALID_INPUT,
          "the MLflow server "
              + api.server()
              + " wants credentials (HTTP 401)"
              + (credential == null ? "" : "; the ones from " + credential + " were refused"),
          credential == null
              ? "set MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD (or MLFLOW_TRACKING_TOKEN,"
                  + " or run `gpux login mlflow`)"
              : "check " + credential);
    }
    if (status == 403 || "PERMISSION_DENIED".equals(code)) {
      return new GpuxException(
          ErrorCategory.INVALID_INPUT,
          "the MLflow server "
              + api.server()
              + " denied access (HTTP 403)"
              + (message.isEmpty() ? "" : ": " + message),
          credential == null
              ? "set MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD for a user with access"
              : "the user of " + credential + " lacks permission; ask an admin to grant it");
    }
    return switch (code) {
      case "RESOURCE_DOES_NOT_EXIST", "NOT_FOUND" -> notFound(message, api);
      case "FEATURE_DISABLED" ->
          api.workspace() == null
              ? GpuxException.invalidInput(
                  "the MLflow server " + api.server() + " refused: " + message, null)
              : GpuxException.invalidInput(
                  "the MLflow server "
                      + api.server()
                      + " has no workspaces, but MLflow workspace '"
                      + api.workspace()
                      + "' is set",
                  "unset MLFLOW_WORKSPACE (or `gpux workspace set mlflow.workspace \"\"`), or start"
                      + " the server with --enable-workspaces (MLflow 3.10 or later)");
      case "ENDPOINT_NOT_FOUND" ->
          GpuxException.unavailable(
              "the MLflow server " + api.server() + " lacks an endpoint gpux needs: " + message,
              "gpux needs an MLflow 2.x or 3.x tracking server");
      case "INVALID_PARAMETER_VALUE", "BAD_REQUEST", "RESOURCE_ALREADY_EXISTS" ->
          GpuxException.invalidInput(message, null);
      default ->
          status == 404
              ? GpuxException.notFound(
                  "not found on " + api.server() + (message.isEmpty() ? "" : ": " + message),
                  "check MLFLOW_TRACKING_URI (is it the tracking server's root URL?)")
              : GpuxException.unavailable(
                  "the MLflow server "
                      + api.server()
                      + " answered HTTP "
                      + status
                      + (code.isEmpty() ? "" : " " + code)
                      + (message.isEmpty() ? "" : ": " + message),
                  status == 503 && message.contains("serve-artifacts")
                      ? "start the server with --serve-artifacts"
                      : "retry later (gpux retried with backoff)");
    };
  }

  /**
   * A 404 of the API; in an MLflow workspace, the hint names where the workspace came from, since a
   * model of another workspace is as absent as a missing one.
   */
  private static GpuxException notFound(String message, MlflowApi api) {
    String ws = api.workspace();
    if (ws == null) {
      return GpuxException.notFound(message, "check the name and version");
    }
    String source = "MLFLOW_WORKSPACE or the workspace's mlflow.workspace (`gpux workspace show`)";
    if (message.startsWith("Workspace '")) {
      return GpuxException.notFound(
          NO_WORKSPACE + ws + "' on the MLflow server " + api.server(),
          "check " + source + ", or create it with mlflow.create_workspace(\"" + ws + "\")");
    }
    if (message.startsWith("No Experiment with id=")) {
      return GpuxException.notFound(
          message + " in MLflow workspace '" + ws + "'",
          "set MLFLOW_EXPERIMENT_ID to an experiment of workspace '"
              + ws
              + "' (each workspace has its own experiments)");
    }
    return GpuxException.notFound(
        message + " in MLflow workspace '" + ws + "'", "check the name and version, and " + source);
  }
}
