package io.gpux.testing.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * Registers models on a real MLflow server the way a training script does with the official client
 * ({@code mlflow.start_run(); mlflow.log_metric(...); mlflow.onnx.log_model(...,
 * registered_model_name=...)}), over MLflow's REST API so that dozens take seconds: a run with its
 * metrics, a logged model produced by that run (its files through the artifact proxy), a registered
 * model with tags, and a version linked to the run.
 */
public final class MlflowModels {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final String url;
  private final String auth;
  private final HttpClient http = HttpClient.newHttpClient();

  public MlflowModels(String url, String user, String password) {
    this.url = url;
    this.auth =
        user == null
            ? null
            : "Basic "
                + Base64.getEncoder()
                    .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  public static MlflowModels of(MlflowServer server) {
    return new MlflowModels(server.url(), MlflowServer.ADMIN, MlflowServer.ADMIN_PASSWORD);
  }

  /**
   * A new version of {@code name} holding {@code onnx}, produced by a run that logged {@code
   * metrics}; {@code tags} are set on the registered model. Returns the version number.
   */
  public String register(
      String name, byte[] onnx, Map<String, String> tags, Map<String, Double> metrics)
      throws Exception {
    long now = System.currentTimeMillis();
    JsonNode run =
        post(
                "runs/create",
                MAPPER.createObjectNode().put("experiment_id", "0").put("start_time", now))
            .path("run")
            .path("info");
    String runId = run.path("run_id").asText();
    ObjectNode batch = MAPPER.createObjectNode().put("run_id", runId);
    ArrayNode ms = batch.putArray("metrics");
    metrics.forEach(
        (k, v) ->
            ms.addObject().put("key", k).put("value", v).put("timestamp", now).put("step", 0));
    post("runs/log-batch", batch);
    ObjectNode create = MAPPER.createObjectNode().put("name", name);
    ArrayNode t = create.putArray("tags");
    tags.forEach((k, v) -> t.addObject().put("key", k).put("value", v));
    HttpResponse<String> created = send("POST", "registered-models/create", create.toString());
    if (created.statusCode() != 200 && !created.body().contains("RESOURCE_ALREADY_EXISTS")) {
      throw new IllegalStateException("registered-models/create: " + created.body());
    }
    JsonNode model =
        post(
                "logged-models",
                MAPPER
                    .createObjectNode()
                    .put("experiment_id", "0")
                    .put("name", "model")
                    .put("source_run_id", runId))
            .path("model")
            .path("info");
    String modelId = model.path("model_id").asText();
    String root = model.path("artifact_uri").asText().substring("mlflow-artifacts:".length());
    root = root.replaceFirst("^/+", "");
    upload(root + "/model.onnx", onnx);
    upload(
        root + "/MLmodel",
        ("artifact_path: model\nflavors:\n  onnx:\n    data: model.onnx\n    providers:\n"
                + "    - CPUExecutionProvider\nmodel_id: "
                + modelId
                + "\nrun_id: "
                + runId
                + "\n")
            .getBytes(StandardCharsets.UTF_8));
    send(
        "PATCH",
        "logged-models/" + modelId,
        MAPPER
            .createObjectNode()
            .put("model_id", modelId)
            .put("status", "LOGGED_MODEL_READY")
            .toString());
    return post(
            "model-versions/create",
            MAPPER
                .createObjectNode()
                .put("name", name)
                .put("source", "models:/" + modelId)
                .put("model_id", modelId)
                .put("run_id", runId))
        .path("model_version")
        .path("version")
        .asText();
  }

  private JsonNode post(String api, ObjectNode body) throws Exception {
    HttpResponse<String> r = send("POST", api, body.toString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException(api + ": " + r.statusCode() + " " + r.body());
    }
    return MAPPER.readTree(r.body());
  }

  private HttpResponse<String> send(String method, String api, String body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url + "/api/2.0/mlflow/" + api))
            .header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(body));
    if (auth != null) {
      b.header("Authorization", auth);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private void upload(String path, byte[] content) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url + "/api/2.0/mlflow-artifacts/artifacts/" + path))
            .header("Content-Type", "application/octet-stream")
            .PUT(HttpRequest.BodyPublishers.ofByteArray(content));
    if (auth != null) {
      b.header("Authorization", auth);
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() / 100 != 2) {
      throw new IllegalStateException("upload " + path + ": " + r.statusCode() + " " + r.body());
    }
  }
}
