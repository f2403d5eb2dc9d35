package io.gpux.registry.mlflow;

import static io.gpux.registry.mlflow.MlflowApi.params;

import com.fasterxml.jackson.databind.JsonNode;
import io.gpux.error.ErrorCategory;
import io.gpux.error.GpuxException;
import io.gpux.ref.ModelRef;
import io.gpux.registry.Async;
import io.gpux.registry.DerivedFile;
import io.gpux.registry.ModelSummary;
import io.gpux.registry.PullOptions;
import io.gpux.registry.PushRequest;
import io.gpux.registry.PushResult;
import io.gpux.registry.Pushable;
import io.gpux.registry.Registry;
import io.gpux.registry.RemoteFile;
import io.gpux.registry.RemoteVersion;
import io.gpux.registry.ResolvedModel;
import io.gpux.registry.SearchQuery;
import io.gpux.registry.Searchable;
import io.gpux.registry.Versioned;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * MLflow Model Registry models, resolved the way the official client resolves {@code models:/} URIs
 * (see {@link MlflowTarget}) and fetched whole (MLmodel, model.onnx and its external-data files,
 * requirements) through the server's mlflow-artifacts proxy.
 */
final class MlflowRegistry
    implements Registry, Versioned, Searchable, Pushable, io.gpux.registry.Tracking {
  private final MlflowApi api;

  MlflowRegistry(MlflowApi api) {
    this.api = api;
  }

  @Override
  public String name() {
    return "mlflow";
  }

  @Override
  public String accessHint() {
    return "set MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD (or MLFLOW_TRACKING_TOKEN, or run `gpux login mlflow`) for an account that may read this model";
  }

  @Override
  public ResolvedModel resolve(ModelRef ref, PullOptions options) {
    MlflowTarget target = MlflowTarget.of(ref);
    return switch (target.kind()) {
      case LOGGED_MODEL -> loggedModel(target.name(), ref.name(), "latest");
      case RUN -> run(target);
      default -> registered(target);
    };
  }

  private ResolvedModel registered(MlflowTarget target) {
    // A version number names the download location already: ask for it alongside the version.
    java.util.concurrent.CompletableFuture<String> early =
        target.kind() == MlflowTarget.Kind.VERSION
            ? Async.start(() -> downloadUri(target.name(), target.qualifier()))
            : null;
    JsonNode version = new MlflowVersions(api).find(target);
    String name = version.path("name").asText();
    String number = version.path("version").asText();
    String uri =
        early != null && name.equals(target.name()) && number.equals(target.qualifier())
            ? Async.join(early)
            : downloadUri(name, number);
    Map<String, String> lineage = new LinkedHashMap<>();
    lineage.put("registry", "mlflow");
    lineage.put("server", api.server());
    api.putWorkspace(lineage);
    lineage.put("model", name);
    lineage.put("version", number);
    if (target.kind() == MlflowTarget.Kind.ALIAS) {
      lineage.put("mlflow.alias", target.qualifier());
    } else if (target.kind() == MlflowTarget.Kind.STAGE) {
      lineage.put("mlflow.stage", target.qualifier());
    }
    put(lineage, "mlflow.current_stage", version.path("current_stage"));
    put(lineage, "mlflow.status", version.path("status"));
    put(lineage, "mlflow.source", version.path("source"));
    put(lineage, "mlflow.model_id", version.path("model_id"));
    put(lineage, "mlflow.user_id", version.path("user_id"));
    put(lineage, "description", version.path("description"));
    if (version.has("creation_timestamp")) {
      lineage.put(
          "mlflow.created",
          Instant.ofEpochMilli(version.path("creation_timestamp").asLong()).toString());
    }
    List<String> aliases = new ArrayList<>();
    version.path("aliases").forEach(a -> aliases.add(a.asText()));
    if (!aliases.isEmpty()) {
      lineage.put("mlflow.aliases", String.join(",", aliases));
    }
    for (JsonNode t : version.path("tags")) {
      lineage.put("version_tag." + t.path("key").asText(), clip(t.path("value").asText()));
    }
    return withRun(
        version.path("run_id").asText(""),
        () ->
            model(
                name,
                number,
                target.requested(),
                api.ui("models/" + MlflowApi.encode(name) + "/versions/" + number),
                uri,
                lineage));
  }

  private String downloadUri(String name, String version) {
    return api.get("model-versions/get-download-uri", params("name", name, "version", version))
        .path("artifact_uri")
        .asText();
  }

  /**
   * The model from {@code model}, with the lineage of the run that produced it fetched at the same
   * time: the run's record and the artifact listing are independent round trips to the server.
   */
  private ResolvedModel withRun(String runId, java.util.function.Supplier<ResolvedModel> model) {
    if (runId.isEmpty()) {
      return model.get();
    }
    java.util.concurrent.CompletableFuture<Map<String, String>> run =
        Async.start(
            () -> {
              Map<String, String> l = new LinkedHashMap<>();
              new MlflowLineage(api).addRun(runId, l);
              return l;
            });
    ResolvedModel m = model.get();
    Map<String, String> lineage = new LinkedHashMap<>(m.lineage());
    lineage.putAll(Async.join(run));
    return new ResolvedModel(
        m.registry(), m.name(), m.version(), m.requested(), m.source(), m.files(), lineage);
  }

  /** {@code models:/m-<id>}: an MLflow 3 logged model, whether registered or not. */
  private ResolvedModel loggedModel(String id, String storeName, String requested) {
    JsonNode info = api.get("logged-models/" + MlflowApi.encode(id), Map.of()).path("model");
    JsonNode i = info.path("info");
    Map<String, String> lineage = new LinkedHashMap<>();
    lineage.put("registry", "mlflow");
    lineage.put("server", api.server());
    api.putWorkspace(lineage);
    lineage.put("mlflow.model_id", id);
    put(lineage, "mlflow.model_name", i.path("name"));
    put(lineage, "experiment_id", i.path("experiment_id"));
    for (JsonNode p : info.path("data").path("params")) {
      lineage.put("model_param." + p.path("key").asText(), clip(p.path("value").asText()));
    }
    return withRun(
        i.path("source_run_id").asText(""),
        () ->
            model(
                storeName,
                id,
                requested,
                api.ui("experiments/" + i.path("experiment_id").asText() + "/models/" + id),
                i.path("artifact_uri").asText(),
                lineage));
  }

  /**
   * {@code runs:/<run>/<path>}: MLflow 3 keeps a model logged in a run as a logged model named
   * {@code path} with that source run; older servers (and plain artifacts) keep it in the run's
   * artifact folder.
   */
  private ResolvedModel run(MlflowTarget target) {
    String runId = target.name();
    String path = target.qualifier();
    JsonNode run = api.get("runs/get", params("run_id", runId)).path("run");
    String experiment = run.path("info").path("experiment_id").asText();
    Map<String, Object> search = new LinkedHashMap<>();
    search.put("experiment_ids", List.of(experiment));
    search.put("filter", "name = '" + path.replace("'", "\\'") + "'");
    JsonNode found = api.send("POST", "logged-models/search", search);
    for (JsonNode m : found.path("models")) {
      if (runId.equals(m.path("info").path("source_run_id").asText())) {
        return loggedModel(
            m.path("info").path("model_id").asText(),
            "runs/" + runId + "/" + path,
            m.path("info").path("model_id").asText());
      }
    }
    Map<String, String> lineage = new LinkedHashMap<>();
    lineage.put("registry", "mlflow");
    lineage.put("server", api.server());
    api.putWorkspace(lineage);
    new MlflowLineage(api).addRun(runId, lineage);
    String uri = run.path("info").path("artifact_uri").asText() + "/" + path;
    return model(
        "runs/" + runId + "/" + path,
        runId,
        null,
        api.ui("experiments/" + experiment + "/runs/" + runId),
        uri,
        lineage);
  }

  private ResolvedModel model(
      String name,
      String version,
      String requested,
      String source,
      String artifactUri,
      Map<String, String> lineage) {
    MlflowArtifacts artifacts = new MlflowArtifacts(api, artifactUri, name + "/" + version);
    var mlmodelFetch = artifacts.startMlmodel();
    List<RemoteFile> files = artifacts.files();
    MlmodelFile mlmodel = artifacts.mlmodel(files, mlmodelFetch);
    if (!mlmodel.hasOnnx()) {
      throw GpuxException.invalidInput(
          "mlflow:"
              + name
              + "/"
              + version
              + " has no onnx flavor (its flavors: "
              + String.join(", ", mlmodel.flavors().keySet())
              + ")",
          "log it with mlflow.onnx.log_model, or export it to ONNX first; gpux runs ONNX models"
              + " (conversion of other flavors comes later)");
    }
    put(lineage, "mlflow.mlflow_version", mlmodel.mlflowVersion());
    lineage.put("mlflow.artifact_uri", artifactUri);
    return new ResolvedModel("mlflow", name, version, requested, source, files, lineage);
  }

  /**
   * The MLflow workspace: {@code mlflow:twin/1} of workspace team-a and of team-b are two models. A
   * version pulled before workspaces (no such lineage) came from the server's default workspace.
   */
  @Override
  public String origin(Map<String, String> lineage) {
    return "MLflow workspace '" + lineage.getOrDefault("mlflow.workspace", "default") + "'";
  }

  @Override
  public ModelRef movable(String name, String requested, Map<String, String> lineage) {
    if (name.startsWith("runs/") || name.matches("m-[0-9a-f]{32}")) {
      return new ModelRef("mlflow", name, null, null); // a run's or logged model: one version
    }
    // An alias and a stage are both words; the pull recorded which it was.
    return requested.equals(lineage.get("mlflow.alias"))
        ? new ModelRef("mlflow", name, requested, null)
        : new ModelRef("mlflow", name, null, requested);
  }

  /**
   * The version an alias, stage or {@code latest} names now: one request ({@code
   * registered-models/alias} or {@code get-latest-versions}); when it moved, the new version's
   * artifact listing too. MLflow lists sizes but no digests, so what changed is known by size only.
   */
  @Override
  public io.gpux.registry.RemoteHead head(
      ModelRef movable, PullOptions options, String localVersion) {
    MlflowTarget target = MlflowTarget.of(movable);
    if (target.kind() == MlflowTarget.Kind.LOGGED_MODEL || target.kind() == MlflowTarget.Kind.RUN) {
      String id = target.kind() == MlflowTarget.Kind.LOGGED_MODEL ? target.name() : localVersion;
      return new io.gpux.registry.RemoteHead(id, null);
    }
    JsonNode version = new MlflowVersions(api).current(target);
    String name = version.path("name").asText(target.name());
    String number = version.path("version").asText();
    if (number.equals(localVersion)) {
      return new io.gpux.registry.RemoteHead(number, null);
    }
    List<RemoteFile> files =
        new MlflowArtifacts(api, downloadUri(name, number), name + "/" + number).files();
    return new io.gpux.registry.RemoteHead(number, files);
  }

  @Override
  public List<DerivedFile> derive(ResolvedModel model, Map<String, Path> files) {
    if (files.containsKey("gpux.yml") || !files.containsKey("MLmodel")) {
      return List.of();
    }
    try {
      MlmodelFile mlmodel =
          MlmodelFile.parse(Files.readAllBytes(files.get("MLmodel")), model.name());
      Path onnx = files.get(mlmodel.onnxData());
      if (onnx == null) {
        return List.of();
      }
      String yaml = MlflowProjectGenerator.generate(model.name(), model.version(), onnx, mlmodel);
      return List.of(
          new DerivedFile(
              "gpux.yml",
              yaml.getBytes(StandardCharsets.UTF_8),
              "generated from the MLmodel onnx flavor and signature"));
    } catch (IOException e) {
      throw GpuxException.unavailable("cannot read MLmodel: " + e.getMessage(), null);
    }
  }

  @Override
  public PushResult push(PushRequest request) {
    return new MlflowPusher(api).push(request, api.experimentId());
  }

  @Override
  public List<RemoteVersion> versions(ModelRef ref) {
    MlflowTarget target = MlflowTarget.of(ref);
    if (target.kind() == MlflowTarget.Kind.LOGGED_MODEL || target.kind() == MlflowTarget.Kind.RUN) {
      return List.of(
          new RemoteVersion(resolve(ref, PullOptions.defaults()).version(), List.of(), null, null));
    }
    MlflowVersions finder = new MlflowVersions(api);
    // Version searches leave the aliases out; the registered model lists them.
    Map<String, List<String>> aliases = new LinkedHashMap<>();
    for (JsonNode a : finder.registeredModel(target.name()).path("aliases")) {
      aliases
          .computeIfAbsent(a.path("version").asText(), k -> new ArrayList<>())
          .add("@" + a.path("alias").asText());
    }
    List<RemoteVersion> out = new ArrayList<>();
    for (JsonNode v : finder.all(target.name())) {
      List<String> tags =
          new ArrayList<>(aliases.getOrDefault(v.path("version").asText(), List.of()));
      String stage = v.path("current_stage").asText("None");
      if (!stage.equals("None")) {
        tags.add("stage:" + stage);
      }
      tags.add("status:" + v.path("status").asText("READY"));
      String run = v.path("run_id").asText("");
      if (!run.isEmpty()) {
        tags.add("run:" + run);
      }
      out.add(
          new RemoteVersion(
              v.path("version").asText(),
              tags,
              v.has("creation_timestamp")
                  ? Instant.ofEpochMilli(v.path("creation_timestamp").asLong())
                  : null,
              v.path("description").asText("").isEmpty() ? null : v.path("description").asText()));
    }
    out.sort(Comparator.comparingLong((RemoteVersion v) -> Long.parseLong(v.version())).reversed());
    return out;
  }

  @Override
  public List<ModelSummary> search(SearchQuery q) {
    List<String> clauses = new ArrayList<>();
    if (q.text() != null && !q.text().isBlank()) {
      String text = q.text().strip();
      // Free text is a substring of the name, unless it already is an MLflow filter.
      clauses.add(
          text.contains("=") || text.toUpperCase().contains(" LIKE ")
              ? text
              : "name ILIKE '%" + text.replace("'", "") + "%'");
    }
    if (q.tags() != null) {
      for (String t : q.tags()) {
        int eq = t.indexOf('=');
        clauses.add(
            eq < 0
                ? "tags.`" + t + "` != ''"
                : "tags.`" + t.substring(0, eq) + "` = '" + t.substring(eq + 1) + "'");
      }
    }
    int limit = q.limit();
    List<ModelSummary> out = new ArrayList<>();
    String page = null;
    do {
      JsonNode r =
          api.get(
              "registered-models/search",
              params(
                  "filter",
                  clauses.isEmpty() ? null : String.join(" AND ", clauses),
                  "max_results",
                  Integer.toString(Math.min(limit, 1000)),
                  "order_by",
                  q.sort() == SearchQuery.Sort.NAME ? "name ASC" : "last_updated_timestamp DESC",
                  "page_token",
                  page));
      for (JsonNode m : r.path("registered_models")) {
        if (out.size() >= limit) {
          break;
        }
        List<String> tags = new ArrayList<>();
        m.path("tags")
            .forEach(t -> tags.add(t.path("key").asText() + "=" + t.path("value").asText()));
        List<String> aliases = new ArrayList<>();
        m.path("aliases")
            .forEach(a -> aliases.add(a.path("alias").asText() + "=" + a.path("version").asText()));
        String name = m.path("name").asText();
        out.add(
            new ModelSummary(
                "mlflow",
                name,
                "mlflow:" + name,
                null,
                null,
                null,
                -1,
                null,
                m.has("last_updated_timestamp")
                    ? Instant.ofEpochMilli(m.path("last_updated_timestamp").asLong())
                    : null,
                tags,
                aliases.isEmpty() ? Map.of() : Map.of("aliases", aliases)));
      }
      page = r.path("next_page_token").asText(null);
    } while (page != null && !page.isEmpty() && out.size() < limit);
    return out;
  }

  static String clip(String s) {
    return s.length() > 500 ? s.substring(0, 500) + "..." : s;
  }

  private static void put(Map<String, String> out, String key, JsonNode v) {
    if (v.isValueNode() && !v.asText().isEmpty()) {
      out.put(key, v.asText());
    }
  }

  private static void put(Map<String, String> out, String key, String v) {
    if (v != null && !v.isEmpty()) {
      out.put(key, v);
    }
  }

  static GpuxException notFound(String problem, String hint) {
    return new GpuxException(ErrorCategory.NOT_FOUND, problem, hint);
  }
}
