package io.gpux.registry.wandb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gpux.error.GpuxException;
import io.gpux.ref.ModelRef;
import io.gpux.registry.Async;
import io.gpux.registry.DerivedFile;
import io.gpux.registry.ModelSummary;
import io.gpux.registry.PullOptions;
import io.gpux.registry.Registry;
import io.gpux.registry.RemoteFile;
import io.gpux.registry.RemoteVersion;
import io.gpux.registry.ResolvedModel;
import io.gpux.registry.SearchQuery;
import io.gpux.registry.Searchable;
import io.gpux.registry.Versioned;
import io.gpux.transfer.HttpCall;
import io.gpux.transfer.RegistryDigest;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Weights &amp; Biases artifacts: a pull resolves the alias to one version ({@code vN}) through the
 * collection membership, reads the manifest, and fetches every file from its {@code directUrl}
 * without credentials, verifying each against the manifest's MD5 (the official client does not).
 * The producing run and the artifact's metadata go into the lineage.
 */
final class WandbRegistry implements Registry, Versioned, Searchable, io.gpux.registry.Tracking {
  private static final ObjectMapper MAPPER = io.gpux.json.Json.mapper();
  private final WandbGraphql api;

  WandbRegistry(WandbGraphql api) {
    this.api = api;
  }

  @Override
  public String name() {
    return "wandb";
  }

  @Override
  public String accessHint() {
    return "set WANDB_API_KEY (or run `gpux login wandb`) for an account that may read this artifact";
  }

  private WandbRef parse(ModelRef ref) {
    return WandbRef.of(ref, api.context().env("WANDB_ENTITY", null));
  }

  /** Registry paths name the organization: the artifact lives under its org entity. */
  private WandbRef locate(WandbRef w) {
    if (!w.inRegistry()) {
      return w;
    }
    JsonNode entity = api.query(WandbQueries.ORG_INFO, Map.of("entity", w.entity())).path("entity");
    JsonNode org = entity.path("organization");
    if (org.path("orgEntity").path("name").isTextual()) {
      return w.withEntity(org.path("orgEntity").path("name").asText());
    }
    for (JsonNode o : entity.path("user").path("organizations")) {
      if (w.entity().equals(o.path("name").asText())
          || w.entity().equals(o.path("orgEntity").path("name").asText())) {
        return w.withEntity(o.path("orgEntity").path("name").asText());
      }
    }
    throw GpuxException.notFound(
        "no W&B organization '" + w.entity() + "' for " + w.display() + " at " + api.baseUrl(),
        "registry references start with the organization: wandb:<org>/"
            + w.project()
            + "/<collection>:<alias>");
  }

  private JsonNode membership(WandbRef w, String original, boolean listVersions) {
    JsonNode project =
        api.query(
                WandbQueries.MEMBERSHIP,
                Map.of(
                    "entity", w.entity(),
                    "project", w.project(),
                    "name", w.collection() + ":" + w.alias()))
            .path("project");
    if (project.isNull() || project.isMissingNode()) {
      throw GpuxException.notFound(
          "no W&B project "
              + w.entity()
              + "/"
              + w.project()
              + " at "
              + api.baseUrl()
              + " (for "
              + original
              + ")",
          "check the entity and project names (and that your API key can see them)");
    }
    JsonNode m = project.path("artifactCollectionMembership");
    if (m.isNull() || m.isMissingNode()) {
      throw GpuxException.notFound(
          original
              + " not found: no version of '"
              + w.collection()
              + "' has alias '"
              + w.alias()
              + "'",
          listVersions
              ? aliasHint(w, original)
              : "check the artifact name (gpux search <entity>/<project> lists them)");
    }
    return m;
  }

  private String aliasHint(WandbRef w, String original) {
    try {
      List<RemoteVersion> vs = versions(w, original);
      if (vs.isEmpty()) {
        return "check the artifact name; see its project's artifacts in the W&B UI";
      }
      List<String> names = new ArrayList<>();
      for (RemoteVersion v : vs) {
        names.add(
            v.version() + (v.tags().isEmpty() ? "" : " (" + String.join(", ", v.tags()) + ")"));
      }
      return "its versions: " + String.join("; ", names);
    } catch (GpuxException e) {
      return "check the artifact name and alias (gpux versions " + original + ")";
    }
  }

  @Override
  public ResolvedModel resolve(ModelRef ref, PullOptions options) {
    WandbRef asked = parse(ref);
    WandbRef w = locate(asked);
    JsonNode m = membership(w, asked.display(), true);
    JsonNode art = m.path("artifact");
    String version = version(m);
    if ("PENDING".equals(art.path("state").asText())) {
      throw GpuxException.invalidInput(
          asked.display() + " (" + version + ") is still being uploaded (state PENDING)",
          "wait until the run that logs it finishes, or pull a committed version"
              + " (gpux versions wandb:"
              + ref.name()
              + ")");
    }
    if (!"COMMITTED".equals(art.path("state").asText())) {
      throw GpuxException.notFound(
          asked.display() + " is " + art.path("state").asText(), "pull another version");
    }
    String id = art.path("id").asText();
    // Three independent round trips from here: the file URLs, the producing run (lineage) and the
    // manifest. Side by side they cost one round trip's wait instead of three.
    java.util.concurrent.CompletableFuture<Map<String, String>> urlsAsked =
        Async.start(() -> fileUrls(w, version));
    java.util.concurrent.CompletableFuture<Map<String, String>> lineageAsked =
        Async.start(() -> lineage(w, asked, version, m, art));
    WandbManifest manifest = manifest(id, asked);
    Map<String, String> urls = Async.join(urlsAsked);
    List<RemoteFile> files = new ArrayList<>();
    for (WandbManifest.Entry e : manifest.entries()) {
      files.add(remoteFile(asked, e, urls));
    }
    String collectionName = m.path("artifactCollection").path("name").asText(w.collection());
    return new ResolvedModel(
        "wandb",
        ref.name(),
        version,
        asked.alias(),
        api.baseUrl() + "/" + w.entity() + "/" + w.project() + "/" + collectionName + ":" + version,
        files,
        Async.join(lineageAsked));
  }

  /** An artifact version's manifest (its files with their MD5s): two requests. */
  private WandbManifest manifest(String artifactId, WandbRef asked) {
    String manifestUrl =
        api.query(WandbQueries.MANIFEST, Map.of("id", artifactId))
            .path("artifact")
            .path("currentManifest")
            .path("file")
            .path("directUrl")
            .asText(null);
    if (manifestUrl == null) {
      throw GpuxException.unavailable(
          asked.display() + " has no manifest on " + api.baseUrl(), "retry later");
    }
    return WandbManifest.parse(api.getJson(manifestUrl, asked.display()), asked.display());
  }

  @Override
  public ModelRef movable(String name, String requested, Map<String, String> lineage) {
    return new ModelRef("wandb", name, null, requested);
  }

  /**
   * The version an alias names now: one GraphQL request (the collection membership; an
   * organization's registry one more to find its entity); when it moved, the new version's manifest
   * too, whose MD5s tell which files changed. No download URLs, no run lineage.
   */
  @Override
  public io.gpux.registry.RemoteHead head(
      ModelRef movable, PullOptions options, String localVersion) {
    WandbRef asked = parse(movable);
    WandbRef w = locate(asked);
    JsonNode m = membership(w, asked.display(), false);
    String version = version(m);
    if (version.equals(localVersion)) {
      return new io.gpux.registry.RemoteHead(version, null);
    }
    WandbManifest manifest = manifest(m.path("artifact").path("id").asText(), asked);
    List<RemoteFile> files = new ArrayList<>();
    for (WandbManifest.Entry e : manifest.entries()) {
      RegistryDigest digest = null;
      if (e.ref() == null) {
        try {
          digest = RegistryDigest.parseBase64Md5(e.digest());
        } catch (RuntimeException notMd5) {
          // Left without a digest: compared by size.
        }
      }
      files.add(new RemoteFile(e.path(), e.size() >= 0 ? e.size() : -1, null, digest, null));
    }
    return new io.gpux.registry.RemoteHead(version, files);
  }

  /** A {@code vN} alias if there is one, else {@code v<versionIndex>} of the membership. */
  private static String version(JsonNode m) {
    for (JsonNode a : m.path("aliases")) {
      if (a.path("alias").asText().matches("v[0-9]+")) {
        return a.path("alias").asText();
      }
    }
    return "v" + m.path("versionIndex").asInt(m.path("artifact").path("versionIndex").asInt());
  }

  private Map<String, String> fileUrls(WandbRef w, String version) {
    Map<String, String> out = new LinkedHashMap<>();
    Map<String, Object> vars = new HashMap<>();
    vars.put("entity", w.entity());
    vars.put("project", w.project());
    vars.put("collection", w.collection());
    vars.put("alias", version);
    api.paginate(
        WandbQueries.FILE_URLS,
        vars,
        d -> d.path("project").path("artifactCollection").path("artifactMembership").path("files"),
        Integer.MAX_VALUE,
        e ->
            out.put(
                e.path("node").path("name").asText(), e.path("node").path("directUrl").asText()));
    return out;
  }

  private RemoteFile remoteFile(WandbRef asked, WandbManifest.Entry e, Map<String, String> urls) {
    if (e.ref() != null) {
      URI uri = URI.create(e.ref());
      String scheme = uri.getScheme() == null ? "" : uri.getScheme();
      if (!scheme.equals("http") && !scheme.equals("https")) {
        throw GpuxException.invalidInput(
            asked.display()
                + " has a reference entry '"
                + e.path()
                + "' to "
                + scheme
                + ":// storage, which gpux does not fetch",
            "fetch it with the wandb client (artifact.download()), or log the file into the"
                + " artifact instead of a reference");
      }
      // An http reference's digest is the server's ETag, not an MD5 of the bytes.
      return new RemoteFile(e.path(), e.size() > 0 ? e.size() : -1, null, null, HttpCall.get(uri));
    }
    String url = urls.get(e.path());
    if (url == null) {
      throw GpuxException.unavailable(
          "W&B gave no download URL for '" + e.path() + "' of " + asked.display(),
          "retry later; if it persists, the artifact is incomplete");
    }
    RegistryDigest digest;
    try {
      digest = RegistryDigest.parseBase64Md5(e.digest());
    } catch (RuntimeException ex) {
      throw GpuxException.unavailable(
          "the manifest of " + asked.display() + " has no valid MD5 for '" + e.path() + "'",
          "the artifact's manifest is damaged; log a new version");
    }
    // directUrls are signed storage URLs: never send the API key there.
    return new RemoteFile(
        e.path(),
        e.size(),
        null,
        digest,
        HttpCall.get(URI.create(url)).timeout(java.time.Duration.ofMinutes(10)));
  }

  private Map<String, String> lineage(
      WandbRef w, WandbRef asked, String version, JsonNode m, JsonNode art) {
    Map<String, String> out = new LinkedHashMap<>();
    out.put("registry", "wandb");
    out.put("endpoint", api.baseUrl());
    out.put("entity", w.entity());
    out.put("project", w.project());
    out.put("artifact", w.collection());
    out.put("artifact.version", version);
    out.put("artifact.alias", asked.alias());
    out.put("artifact.id", art.path("id").asText());
    out.put("artifact.digest", art.path("digest").asText());
    out.put("artifact.type", art.path("artifactType").path("name").asText());
    io.gpux.registry.Lineage.putText(out, "artifact.created", art.path("createdAt"));
    io.gpux.registry.Lineage.putText(out, "artifact.description", art.path("description"));
    JsonNode seq = art.path("artifactSequence");
    out.put(
        "artifact.source",
        seq.path("project").path("entity").path("name").asText()
            + "/"
            + seq.path("project").path("name").asText()
            + "/"
            + seq.path("name").asText()
            + ":v"
            + art.path("versionIndex").asText());
    List<String> aliases = new ArrayList<>();
    m.path("aliases").forEach(a -> aliases.add(a.path("alias").asText()));
    out.put("artifact.aliases", String.join(",", aliases));
    flatten(out, "metadata.", art.path("metadata"));
    JsonNode run =
        api.query(WandbQueries.CREATED_BY, Map.of("id", art.path("id").asText()))
            .path("artifact")
            .path("createdBy");
    if ("Run".equals(run.path("__typename").asText())) {
      out.put("run.id", run.path("name").asText());
      io.gpux.registry.Lineage.putText(out, "run.name", run.path("displayName"));
      out.put(
          "run.project",
          run.path("project").path("entity").path("name").asText()
              + "/"
              + run.path("project").path("name").asText());
      flatten(out, "config.", run.path("config"));
      flatten(out, "summary.", run.path("summaryMetrics"));
    }
    return out;
  }

  /** A JSONString object's top-level keys as {@code prefix + key}; W&B config wraps in value. */
  private static void flatten(Map<String, String> out, String prefix, JsonNode jsonString) {
    if (!jsonString.isTextual()) {
      return;
    }
    JsonNode obj;
    try {
      obj = MAPPER.readTree(jsonString.asText());
    } catch (IOException e) {
      return;
    }
    if (obj == null || !obj.isObject()) {
      return;
    }
    obj.properties()
        .forEach(
            e -> {
              if (e.getKey().startsWith("_")) {
                return; // W&B's own bookkeeping (_wandb, _step, _runtime)
              }
              JsonNode v = e.getValue();
              if (v.isObject() && v.has("value") && v.size() <= 2) {
                v = v.get("value"); // run config entries are {"desc": ..., "value": ...}
              }
              out.put(prefix + e.getKey(), v.isValueNode() ? v.asText() : v.toString());
            });
  }

  @Override
  public List<DerivedFile> derive(ResolvedModel model, Map<String, Path> files) {
    return DerivedFile.generatedProject(
        model,
        files,
        "W&B",
        "wandb:" + model.name() + ":" + model.version(),
        "generated from the ONNX signature");
  }

  @Override
  public List<RemoteVersion> versions(ModelRef ref) {
    WandbRef asked = parse(ref);
    return versions(asked, asked.display());
  }

  private List<RemoteVersion> versions(WandbRef asked, String original) {
    WandbRef w = locate(asked);
    WandbRef latest = new WandbRef(w.entity(), w.project(), w.collection(), "latest");
    JsonNode m = membership(latest, original, false);
    String type = m.path("artifact").path("artifactType").path("name").asText("model");
    Map<String, Object> vars = new HashMap<>();
    vars.put("entity", w.entity());
    vars.put("project", w.project());
    vars.put("type", type);
    vars.put("collection", w.collection());
    vars.put("filters", "{\"state\":\"COMMITTED\"}");
    List<RemoteVersion> out = new ArrayList<>();
    api.paginate(
        WandbQueries.VERSIONS,
        vars,
        d -> d.path("project").path("artifactType").path("artifactCollection").path("artifacts"),
        10_000,
        e -> {
          JsonNode n = e.path("node");
          List<String> aliases = new ArrayList<>();
          for (JsonNode a : n.path("aliases")) {
            // A version's aliases span every collection it is in: keep this collection's.
            if (w.collection().equals(a.path("artifactCollection").path("name").asText())) {
              aliases.add(a.path("alias").asText());
            }
          }
          String desc = "digest " + n.path("digest").asText();
          if (!n.path("description").asText("").isEmpty()) {
            desc += "; " + n.path("description").asText();
          }
          out.add(
              new RemoteVersion(
                  e.path("version").asText("v" + n.path("versionIndex").asText()),
                  aliases,
                  instant(n.path("createdAt").asText(null)),
                  desc,
                  n.path("size").asLong(-1)));
        });
    return out;
  }

  static Instant instant(String s) {
    if (s == null) {
      return null;
    }
    try {
      return s.endsWith("Z") ? Instant.parse(s) : LocalDateTime.parse(s).toInstant(ZoneOffset.UTC);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /**
   * Model collections. {@code text} {@code entity/project} lists a project's collections of type
   * {@code task} (default {@code model}); otherwise {@code author} names an organization whose
   * registries' collections are listed, those whose name contains {@code text}.
   */
  @Override
  public List<ModelSummary> search(SearchQuery q) {
    int limit = q.limit();
    String type = q.task() == null || q.task().isBlank() ? "model" : q.task();
    List<ModelSummary> out = new ArrayList<>();
    String text = q.text() == null ? "" : q.text();
    String[] scope = text.contains("/") ? text.split("/", 2) : configuredProject(q.author());
    if (scope != null) {
      // Free text within the configured project is a substring of the name or description.
      String filter = text.contains("/") ? "" : text.toLowerCase(java.util.Locale.ROOT);
      Map<String, Object> vars = new HashMap<>();
      vars.put("entity", scope[0]);
      vars.put("project", scope[1]);
      vars.put("type", type);
      api.paginate(
          WandbQueries.PROJECT_COLLECTIONS,
          vars,
          d -> d.path("project").path("artifactType").path("artifactCollections"),
          filter.isEmpty() ? limit : Integer.MAX_VALUE,
          e -> {
            JsonNode n = e.path("node");
            String words =
                (n.path("name").asText() + " " + n.path("description").asText(""))
                    .toLowerCase(java.util.Locale.ROOT);
            if (out.size() < limit && words.contains(filter)) {
              out.add(summary(n, type));
            }
          });
      return out;
    }
    if (q.author() == null || q.author().isBlank()) {
      throw GpuxException.invalidInput(
          "a W&B search needs a project (entity/project) or an organization",
          "search entity/project, set WANDB_ENTITY and WANDB_PROJECT, or give the organization as"
              + " the author");
    }
    Map<String, Object> vars = new HashMap<>();
    vars.put("organization", q.author());
    vars.put("registryFilter", "{\"name\":{\"$regex\":\"^wandb-registry-\"}}");
    api.paginate(
        WandbQueries.REGISTRY_COLLECTIONS,
        vars,
        d -> d.path("organization").path("orgEntity").path("artifactCollections"),
        Integer.MAX_VALUE,
        e -> {
          JsonNode n = e.path("node");
          String t = n.path("type").path("name").asText(type);
          if (out.size() < limit && n.path("name").asText().contains(text) && t.equals(type)) {
            out.add(summary(n, t));
          }
        });
    return out;
  }

  /**
   * {@code WANDB_PROJECT} (with {@code WANDB_ENTITY}, or as {@code entity/project}), the official
   * client's variables, as the project a search without one looks in; null when unset or when
   * {@code author} names another entity (an organization's registries are searched then).
   */
  private String[] configuredProject(String author) {
    String project = api.context().env("WANDB_PROJECT", null);
    if (project == null || project.isBlank()) {
      return null;
    }
    String entity = api.context().env("WANDB_ENTITY", null);
    String[] scope =
        project.contains("/")
            ? project.split("/", 2)
            : entity == null ? null : new String[] {entity, project};
    return scope == null || (author != null && !author.isBlank() && !author.equals(scope[0]))
        ? null
        : scope;
  }

  /** Searched with no registry named only when a project to look in is configured. */
  @Override
  public boolean searchedByDefault() {
    return configuredProject(null) != null;
  }

  private static ModelSummary summary(JsonNode n, String type) {
    String name =
        n.path("project").path("entity").path("name").asText()
            + "/"
            + n.path("project").path("name").asText()
            + "/"
            + n.path("name").asText();
    return new ModelSummary(
        "wandb",
        name,
        "wandb:" + name,
        type,
        null,
        n.path("project").path("entity").path("name").asText(null),
        -1,
        null,
        instant(n.path("updatedAt").asText(null)),
        List.of(),
        n.path("description").asText("").isBlank()
            ? Map.of()
            : Map.of("description", n.path("description").asText()));
  }
}
