package io.gpux.registry.mlflow;

import static io.gpux.registry.mlflow.MlflowApi.params;

import com.fasterxml.jackson.databind.JsonNode;
import io.gpux.error.ErrorCategory;
import io.gpux.error.GpuxException;
import io.gpux.registry.PushRequest;
import io.gpux.registry.PushResult;
import io.gpux.store.ModelStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code gpux push <dir> mlflow:<name>}: the MLflow 3 way of logging a model without a run. It
 * creates a logged model in the experiment ({@code MLFLOW_EXPERIMENT_ID}, else the default one),
 * uploads the folder's files unchanged through the artifact proxy (so a pull gives the same bytes),
 * marks the logged model ready, registers it as a new version and sets the alias. A folder without
 * an {@code MLmodel} (a gpux project) gets one naming its ONNX file as the onnx flavor.
 */
final class MlflowPusher {
  private final MlflowApi api;

  MlflowPusher(MlflowApi api) {
    this.api = api;
  }

  PushResult push(PushRequest request, String experimentId) {
    MlflowTarget target = MlflowTarget.of(request.target());
    if (target.kind() != MlflowTarget.Kind.LATEST || request.target().tag() != null) {
      throw GpuxException.invalidInput(
          "push creates a new version, so " + request.target() + " cannot name one",
          "push to mlflow:<name> and give an alias with --alias");
    }
    String name = target.name();
    List<Path> files = files(request.directory());
    Path onnx = onnxFile(request.directory(), files);
    ensureRegisteredModel(name);
    Map<String, Object> create = new LinkedHashMap<>();
    create.put("experiment_id", experimentId);
    create.put("name", "model");
    create.put("tags", List.of(Map.of("key", "mlflow.source.name", "value", "gpux push")));
    JsonNode info = api.send("POST", "logged-models", create).path("model").path("info");
    String modelId = info.path("model_id").asText();
    String root = MlflowArtifacts.relativePath(info.path("artifact_uri").asText(), name);
    long bytes = 0;
    boolean hasMlmodel = false;
    for (Path f : files) {
      String rel = request.directory().relativize(f).toString().replace('\\', '/');
      hasMlmodel |= rel.equals("MLmodel");
      byte[] content = read(f);
      api.upload(root + "/" + rel, content);
      bytes += content.length;
    }
    int count = files.size();
    if (!hasMlmodel) {
      byte[] mlmodel = mlmodel(request.directory().relativize(onnx).toString(), modelId);
      api.upload(root + "/MLmodel", mlmodel);
      bytes += mlmodel.length;
      count++;
    }
    api.send(
        "PATCH",
        "logged-models/" + modelId,
        Map.of("model_id", modelId, "status", "LOGGED_MODEL_READY"));
    Map<String, Object> version = new LinkedHashMap<>();
    version.put("name", name);
    version.put("source", "models:/" + modelId);
    version.put("model_id", modelId);
    String number =
        api.send("POST", "model-versions/create", version)
            .path("model_version")
            .path("version")
            .asText();
    if (request.alias() != null) {
      api.send(
          "POST",
          "registered-models/alias",
          Map.of("name", name, "alias", request.alias(), "version", number));
    }
    return new PushResult(
        "mlflow",
        name,
        number,
        "mlflow:" + name + "/" + number,
        api.ui("models/" + MlflowApi.encode(name) + "/versions/" + number),
        count,
        bytes);
  }

  private void ensureRegisteredModel(String name) {
    try {
      api.get("registered-models/get", params("name", name));
    } catch (GpuxException e) {
      if (e.category() != ErrorCategory.NOT_FOUND) {
        throw e;
      }
      api.send("POST", "registered-models/create", Map.of("name", name));
    }
  }

  private static List<Path> files(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw GpuxException.invalidInput(
          dir + " is not a folder", "push a model folder (MLmodel + model.onnx) or a gpux project");
    }
    List<Path> out = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
        // The same rule as pulled paths: nothing hidden, nothing outside.
        String rel = dir.relativize(p).toString().replace('\\', '/');
        ModelStore.checkFilePath(rel);
        if (!rel.startsWith(".") && !rel.contains("/.")) {
          out.add(p);
        }
      }
    } catch (IOException e) {
      throw GpuxException.unavailable("cannot read " + dir + ": " + e.getMessage(), null);
    }
    return out;
  }

  private static Path onnxFile(Path dir, List<Path> files) {
    List<Path> onnx =
        files.stream().filter(p -> p.getFileName().toString().endsWith(".onnx")).toList();
    if (onnx.isEmpty()) {
      throw GpuxException.invalidInput(
          dir + " has no .onnx file", "gpux pushes ONNX models; export the model to ONNX first");
    }
    return onnx.stream()
        .min((a, b) -> Integer.compare(a.toString().length(), b.toString().length()))
        .orElseThrow();
  }

  /** A minimal MLmodel: the onnx flavor, so MLflow (and gpux) know how to load it. */
  private static byte[] mlmodel(String onnxPath, String modelId) {
    String yaml =
        "artifact_path: model\n"
            + "flavors:\n"
            + "  onnx:\n"
            + "    data: "
            + onnxPath
            + "\n"
            + "    providers:\n"
            + "    - CPUExecutionProvider\n"
            + "model_id: "
            + modelId
            + "\n"
            + "utc_time_created: '"
            + Instant.now()
            + "'\n";
    return yaml.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] read(Path f) {
    try {
      return Files.readAllBytes(f);
    } catch (IOException e) {
      throw GpuxException.unavailable("cannot read " + f + ": " + e.getMessage(), null);
    }
  }
}
