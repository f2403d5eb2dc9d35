package io.gpux.registry.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import io.gpux.error.GpuxException;
import io.gpux.registry.RemoteFile;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * A model's artifact directory behind the server's mlflow-artifacts proxy ({@code
 * mlflow-artifacts:/<path>}), listed recursively the way the Python client lists it. Artifacts in
 * stores the client reads directly ({@code s3://}, {@code file:}) are not reachable through the
 * server, so they get a clear error.
 */
final class MlflowArtifacts {
  private final MlflowApi api;
  private final String root;
  private final String what;

  MlflowArtifacts(MlflowApi api, String artifactUri, String what) {
    this.api = api;
    this.what = what;
    this.root = relativePath(artifactUri, what);
  }

  static String relativePath(String artifactUri, String what) {
    if (!artifactUri.startsWith("mlflow-artifacts:")) {
      throw GpuxException.unavailable(
          "the artifacts of " + what + " are at " + artifactUri + ", outside the MLflow server",
          "gpux downloads through the server's artifact proxy: run `mlflow server` with"
              + " --serve-artifacts (the default) and an --artifacts-destination");
    }
    String rest = artifactUri.substring("mlflow-artifacts:".length());
    if (rest.startsWith("//")) {
      // mlflow-artifacts://host:port/path names another host; gpux uses the tracking server.
      URI u = URI.create(artifactUri);
      rest = u.getPath();
    }
    while (rest.startsWith("/")) {
      rest = rest.substring(1);
    }
    return rest;
  }

  /** Every file under the root, with its size, in a stable order. */
  List<RemoteFile> files() {
    List<RemoteFile> out = new ArrayList<>();
    walk("", out);
    if (out.isEmpty()) {
      throw GpuxException.notFound(
          "the artifact folder of " + what + " (" + root + ") is empty or missing",
          "check the model version's source; re-log the model if its artifacts were deleted");
    }
    return out;
  }

  private void walk(String prefix, List<RemoteFile> out) {
    String dir = prefix.isEmpty() ? root : root + "/" + prefix;
    List<JsonNode> entries = new ArrayList<>();
    api.listArtifacts(dir).path("files").forEach(entries::add);
    entries.sort((a, b) -> a.path("path").asText().compareTo(b.path("path").asText()));
    for (JsonNode f : entries) {
      String base = f.path("path").asText();
      // The proxy lists basenames; take the last segment in case a server lists full paths.
      base = base.substring(base.lastIndexOf('/') + 1);
      String path = prefix.isEmpty() ? base : prefix + "/" + base;
      if (f.path("is_dir").asBoolean(false)) {
        walk(path, out);
      } else {
        out.add(
            new RemoteFile(
                path, f.path("file_size").asLong(-1), null, null, api.download(root + "/" + path)));
      }
    }
  }

  /** The MLmodel file, fetched now (it is small) so a non-ONNX model fails before any download. */
  /**
   * Starts fetching {@code MLmodel} from the folder's root now, while the folder is listed: a model
   * folder has it there, and the round trip then costs no extra wait.
   */
  java.util.concurrent.CompletableFuture<HttpResponse<byte[]>> startMlmodel() {
    return io.gpux.registry.Async.start(() -> api.fetch(api.download(root + "/MLmodel")));
  }

  /** The MLmodel listed in {@code files}, taken from {@code started} when that fetch worked. */
  MlmodelFile mlmodel(
      List<RemoteFile> files,
      java.util.concurrent.CompletableFuture<HttpResponse<byte[]>> started) {
    RemoteFile f = files.stream().filter(x -> x.path().equals("MLmodel")).findFirst().orElse(null);
    if (f == null) {
      throw GpuxException.invalidInput(
          what + " has no MLmodel file, so it is not an MLflow model",
          "log it with mlflow.onnx.log_model");
    }
    HttpResponse<byte[]> r;
    try {
      r = io.gpux.registry.Async.join(started);
    } catch (RuntimeException e) {
      r = api.fetch(f.download()); // the listing is the authority; ask for the file it names
    }
    return MlmodelFile.parse(r.body(), what);
  }
}
