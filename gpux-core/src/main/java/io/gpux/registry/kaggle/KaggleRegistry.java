package io.gpux.registry.kaggle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gpux.error.GpuxException;
import io.gpux.ref.ModelRef;
import io.gpux.registry.Async;
import io.gpux.registry.Conversion;
import io.gpux.registry.DerivedFile;
import io.gpux.registry.ModelSummary;
import io.gpux.registry.PullOptions;
import io.gpux.registry.Registry;
import io.gpux.registry.RemoteFile;
import io.gpux.registry.RemoteHead;
import io.gpux.registry.RemoteVersion;
import io.gpux.registry.ResolvedModel;
import io.gpux.registry.SearchQuery;
import io.gpux.registry.Searchable;
import io.gpux.registry.Tracking;
import io.gpux.registry.Versioned;
import io.gpux.transfer.HttpCall;
import io.gpux.transfer.RegistryDigest;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Kaggle Models: a pull asks {@code GetModelInstance} for the variation (its latest version, its
 * license), lists the version's files ({@code ListModelInstanceVersionFiles}, 25 a page), and
 * fetches each through {@code DownloadModelInstanceVersion}, whose redirect to a signed storage URL
 * the transfer engine follows without the credentials, checking each file against the MD5 the
 * storage response declares; more than 25 files come as the version's archive, unpacked safely, as
 * kagglehub decides.
 */
final class KaggleRegistry implements Registry, Versioned, Searchable, Tracking {
  /** kagglehub's {@code MAX_NUM_FILES_DIRECT_DOWNLOAD}: more files than this come as an archive. */
  static final int MAX_FILES_ONE_BY_ONE = 25;

  /** {@code ApiModelInstance} fields kept in the lineage as {@code instance.<field>}. */
  private static final List<String> INSTANCE_FIELDS =
      List.of(
          "id",
          "versionId",
          "fineTunable",
          "trainingData",
          "externalBaseModelUrl",
          "totalUncompressedBytes",
          "overview");

  /** {@code ApiModel} fields kept in the lineage as {@code model.<field>}. */
  private static final List<String> MODEL_FIELDS =
      List.of("title", "subtitle", "author", "publishTime", "updateTime", "provenanceSources");

  private final KaggleApi api;
  private final TfHub tfhub;

  KaggleRegistry(KaggleApi api) {
    this.api = api;
    this.tfhub = new TfHub(api);
  }

  @Override
  public String name() {
    return "kaggle";
  }

  @Override
  public String accessHint() {
    return "set KAGGLE_API_TOKEN (or KAGGLE_USERNAME and KAGGLE_KEY, or run `gpux login kaggle`) for an account that may read this model; some models need their license accepted on kaggle.com first";
  }

  /** The variation a reference names, TF Hub handles mapped through tfhub.dev's redirect. */
  private Target target(ModelRef ref) {
    String text = ref.toString();
    KaggleHandle h;
    String tfhubUrl = null;
    if (ref.name().startsWith(KaggleReferences.TFHUB_NAME)) {
      String handle = ref.name().substring(KaggleReferences.TFHUB_NAME.length());
      tfhubUrl = tfhub.url(handle);
      h = tfhub.map(handle);
    } else {
      h = KaggleHandle.parse(ref.name(), text);
    }
    if (ref.version() != null) {
      h = h.withVersion(KaggleHandle.version(ref.version(), text));
    }
    return new Target(h, tfhubUrl);
  }

  /** A variation, and the TF Hub URL it was reached from (or null). */
  private record Target(KaggleHandle handle, String tfhubUrl) {}

  private ObjectNode instanceBody(KaggleHandle h) {
    ObjectNode b = KaggleApi.body();
    b.put("ownerSlug", h.owner());
    b.put("modelSlug", h.model());
    b.put("framework", h.framework().wire());
    b.put("instanceSlug", h.variation());
    return b;
  }

  private JsonNode instance(KaggleHandle h) {
    return api.rpc("GetModelInstance", instanceBody(h), h);
  }

  @Override
  public ResolvedModel resolve(ModelRef ref, PullOptions options) {
    Target t = target(ref);
    KaggleHandle asked = t.handle();
    CompletableFuture<JsonNode> model = Async.start(() -> model(asked));
    JsonNode instance = instance(asked);
    KaggleHandle h =
        asked.version() > 0 ? asked : asked.withVersion(instance.path("versionNumber").asInt());
    if (h.version() <= 0) {
      throw GpuxException.notFound(
          "kaggle:" + asked.display() + " has no version yet", "check the variation on Kaggle");
    }
    Framework framework =
        java.util.Optional.ofNullable(
                Framework.parse(instance.path("framework").asText(h.framework().wire())))
            .orElse(h.framework());
    Conversion conversion = null;
    if (framework != Framework.ONNX) {
      if (framework.converter == null) {
        throw GpuxException.invalidInput(
            "kaggle:"
                + h.display()
                + " is a "
                + framework.title
                + " model, which GPUX cannot run or convert",
            alternatives(h));
      }
      conversion =
          new Conversion(framework.converter, framework.title, "kaggle:" + h.display(), null);
    }
    List<KaggleFile> listed = files(h);
    if (listed.isEmpty()) {
      throw GpuxException.notFound(
          "kaggle:" + h.display() + " has no files", "pull another version (gpux versions)");
    }
    List<RemoteFile> files = new ArrayList<>();
    if (listed.size() > MAX_FILES_ONE_BY_ONE) {
      // kagglehub's choice: the whole version as one archive rather than hundreds of requests.
      files.add(
          new RemoteFile(
              h.version() + ".archive.tar.gz",
              -1,
              null,
              RegistryDigest.inResponse(RegistryDigest.Algorithm.MD5, "x-goog-hash"),
              download(h, null),
              new RemoteFile.Unpack(RemoteFile.Format.TAR_GZIP, "", false)));
    } else {
      for (KaggleFile f : listed) {
        files.add(
            new RemoteFile(
                f.name(),
                f.size(),
                null,
                RegistryDigest.inResponse(RegistryDigest.Algorithm.MD5, "x-goog-hash"),
                download(h, f.name())));
      }
    }
    Map<String, String> lineage = lineage(h, t, instance, Async.join(model), listed);
    return new ResolvedModel(
        "kaggle",
        ref.name(),
        Integer.toString(h.version()),
        ref.version() != null ? ref.version() : "latest",
        h.webUrl(api.web()),
        files,
        lineage,
        conversion);
  }

  /** {@code DownloadModelInstanceVersion} of one file, or of the whole version (an archive). */
  private HttpCall download(KaggleHandle h, String path) {
    ObjectNode b = instanceBody(h);
    b.put("versionNumber", h.version());
    if (path != null) {
      b.put("path", path);
    }
    return api.call("DownloadModelInstanceVersion", b).timeout(Duration.ofMinutes(10));
  }

  /** A file of a version, as {@code ListModelInstanceVersionFiles} lists it. */
  record KaggleFile(String name, long size) {}

  /** Every file of the version, page by page. */
  List<KaggleFile> files(KaggleHandle h) {
    List<KaggleFile> out = new ArrayList<>();
    String token = null;
    do {
      ObjectNode b = instanceBody(h);
      b.put("versionNumber", h.version());
      b.put("pageSize", MAX_FILES_ONE_BY_ONE);
      if (token != null) {
        b.put("pageToken", token);
      }
      JsonNode page = api.rpc("ListModelInstanceVersionFiles", b, h);
      for (JsonNode f : page.path("files")) {
        out.add(new KaggleFile(f.path("name").asText(), f.path("size").asLong(-1)));
      }
      token = nextPage(page, token);
    } while (token != null);
    return out;
  }

  /** The next page's token, or null at the end (or when the server repeats itself). */
  private static String nextPage(JsonNode page, String previous) {
    String next = page.path("nextPageToken").asText("");
    return next.isEmpty() || next.equals(previous) ? null : next;
  }

  private JsonNode model(KaggleHandle h) {
    ObjectNode b = KaggleApi.body();
    b.put("ownerSlug", h.owner());
    b.put("modelSlug", h.model());
    try {
      return api.rpc("GetModel", b, h);
    } catch (GpuxException e) {
      return null; // the model's metadata is for the lineage; the variation decides the pull
    }
  }

  /** What to pull instead: the model's variations GPUX can use, from {@code ListModelInstances}. */
  private String alternatives(KaggleHandle h) {
    List<String> usable = new ArrayList<>();
    try {
      String token = null;
      do {
        ObjectNode b = KaggleApi.body();
        b.put("ownerSlug", h.owner());
        b.put("modelSlug", h.model());
        b.put("pageSize", 50);
        if (token != null) {
          b.put("pageToken", token);
        }
        JsonNode page = api.rpc("ListModelInstances", b, h);
        for (JsonNode i : page.path("instances")) {
          Framework f = Framework.parse(i.path("framework").asText(""));
          if (f != null && (f == Framework.ONNX || f.converter != null)) {
            usable.add(
                "kaggle:"
                    + h.owner()
                    + "/"
                    + h.model()
                    + "/"
                    + f.handle()
                    + "/"
                    + i.path("slug").asText()
                    + " ("
                    + f.title
                    + ")");
          }
        }
        token = nextPage(page, token);
      } while (token != null && usable.size() < 20);
    } catch (GpuxException e) {
      return "GPUX runs ONNX variations (TensorFlow 2, Keras and TFLite ones once converted);"
          + " look for one on "
          + h.webUrl(api.web());
    }
    return usable.isEmpty()
        ? "the model has no ONNX, TensorFlow 2, Keras or TFLite variation GPUX could use"
        : "variations GPUX can use: " + String.join(", ", usable);
  }

  private Map<String, String> lineage(
      KaggleHandle h, Target t, JsonNode instance, JsonNode model, List<KaggleFile> files) {
    Map<String, String> out = new LinkedHashMap<>();
    out.put("registry", "kaggle");
    out.put("endpoint", api.base());
    out.put("kaggle.handle", h.display());
    out.put("kaggle.url", h.webUrl(api.web()));
    if (t.tfhubUrl() != null) {
      out.put("tfhub.url", t.tfhubUrl());
    }
    out.put("owner", h.owner());
    out.put("model", h.model());
    out.put("framework", h.framework().handle());
    out.put("variation", h.variation());
    out.put("version", Integer.toString(h.version()));
    out.put("files", Integer.toString(files.size()));
    putText(out, "license", instance.path("licenseName"));
    putText(out, "instance.latestVersion", instance.path("versionNumber"));
    putText(out, "instance.type", instance.path("modelInstanceType"));
    for (String field : INSTANCE_FIELDS) {
      putText(out, "instance." + field, instance.path(field));
    }
    if (model != null) {
      putText(out, "model.private", model.path("isPrivate"));
      for (String field : MODEL_FIELDS) {
        putText(out, "model." + field, model.path(field));
      }
      List<String> tags = new ArrayList<>();
      model.path("tags").forEach(tag -> tags.add(tag.path("name").asText(tag.asText())));
      if (!tags.isEmpty()) {
        out.put("model.tags", String.join(",", tags));
      }
    }
    return out;
  }

  /** Values and arrays of values as text; objects as JSON; absent or empty ones left out. */
  private static void putText(Map<String, String> out, String key, JsonNode v) {
    if (v == null || v.isMissingNode() || v.isNull()) {
      return;
    }
    String text;
    if (v.isArray()) {
      List<String> items = new ArrayList<>();
      v.forEach(i -> items.add(i.isValueNode() ? i.asText() : i.toString()));
      text = String.join(",", items);
    } else {
      text = v.isValueNode() ? v.asText() : v.toString();
    }
    if (!text.isBlank()) {
      out.put(key, text);
    }
  }

  @Override
  public List<DerivedFile> derive(ResolvedModel model, Map<String, Path> files) {
    return DerivedFile.generatedProject(
        model,
        files,
        "Kaggle",
        new KaggleReferences().exact("kaggle", model.name(), model.version()),
        "generated from the ONNX signature");
  }

  @Override
  public List<RemoteVersion> versions(ModelRef ref) {
    KaggleHandle h = target(ref).handle();
    List<RemoteVersion> out = new ArrayList<>();
    String token = null;
    do {
      ObjectNode b = instanceBody(h);
      b.put("pageSize", 100);
      if (token != null) {
        b.put("pageToken", token);
      }
      JsonNode page = api.rpc("ListModelInstanceVersions", b, h);
      for (JsonNode v : page.path("versionList").path("versions")) {
        String title = v.path("modelTitle").asText("");
        out.add(
            new RemoteVersion(
                Integer.toString(v.path("versionNumber").asInt()),
                List.of(),
                null,
                (title.isEmpty() ? "" : title + "; ")
                    + (v.path("isTfhubModel").asBoolean() ? "from TF Hub; " : "")
                    + v.path("url").asText(""),
                -1));
      }
      token = nextPage(page, token);
    } while (token != null);
    out.sort(
        Comparator.comparingInt((RemoteVersion v) -> Integer.parseInt(v.version())).reversed());
    if (!out.isEmpty()) {
      RemoteVersion top = out.get(0);
      out.set(
          0,
          new RemoteVersion(top.version(), List.of("latest"), null, top.description(), top.size()));
    }
    return out;
  }

  @Override
  public ModelRef movable(String name, String requested, Map<String, String> lineage) {
    return new ModelRef("kaggle", name, null, null);
  }

  /** One {@code GetModelInstance}; the files only when the latest version is not the stored one. */
  @Override
  public RemoteHead head(ModelRef movable, PullOptions options, String localVersion) {
    KaggleHandle asked = target(movable).handle();
    KaggleHandle h = asked.withVersion(instance(asked).path("versionNumber").asInt());
    String version = Integer.toString(h.version());
    if (version.equals(localVersion)) {
      return new RemoteHead(version, null);
    }
    List<RemoteFile> files = new ArrayList<>();
    for (KaggleFile f : files(h)) {
      files.add(new RemoteFile(f.name(), f.size(), null, null, null));
    }
    return new RemoteHead(version, files);
  }

  /**
   * {@code ListModels}: the text and owner go to Kaggle; each model's variations become one result
   * each, as a handle that pulls.
   */
  /**
   * Searched with no registry named when Kaggle is configured: an endpoint or credentials are set
   * (an unconfigured machine should not have every search reach kaggle.com).
   */
  @Override
  public boolean searchedByDefault() {
    return api.context().env("KAGGLE_API_ENDPOINT", null) != null
        || api.credentials().find().isPresent();
  }

  @Override
  public List<ModelSummary> search(SearchQuery q) {
    List<ModelSummary> out = new ArrayList<>();
    String token = null;
    do {
      ObjectNode b = KaggleApi.body();
      if (q.text() != null && !q.text().isBlank()) {
        b.put("search", q.text());
      }
      if (q.author() != null && !q.author().isBlank()) {
        b.put("owner", q.author());
      }
      String sort =
          switch (q.sort()) {
            case DOWNLOADS -> "LIST_MODELS_ORDER_BY_DOWNLOAD_COUNT";
            case UPDATED -> "LIST_MODELS_ORDER_BY_UPDATE_TIME";
            default -> null;
          };
      if (sort != null) {
        b.put("sortBy", sort);
      }
      b.put("pageSize", Math.min(50, Math.max(1, q.limit())));
      if (token != null) {
        b.put("pageToken", token);
      }
      JsonNode page = api.rpc("ListModels", b, null);
      for (JsonNode m : page.path("models")) {
        summaries(m, out);
      }
      token = nextPage(page, token);
    } while (token != null && out.size() < q.limit());
    if (q.sort() == SearchQuery.Sort.NAME) {
      out.sort(Comparator.comparing(ModelSummary::name));
    }
    return out.size() > q.limit() ? List.copyOf(out.subList(0, q.limit())) : out;
  }

  private static void summaries(JsonNode m, List<ModelSummary> out) {
    String ref = m.path("ref").asText("");
    String owner =
        ref.contains("/") ? ref.substring(0, ref.indexOf('/')) : m.path("author").asText();
    String slug =
        m.path("slug").asText(ref.contains("/") ? ref.substring(ref.indexOf('/') + 1) : "");
    List<String> tags = new ArrayList<>();
    m.path("tags").forEach(t -> tags.add(t.path("name").asText(t.asText())));
    Instant updated = instant(m.path("updateTime").asText(null));
    for (JsonNode i : m.path("instances")) {
      Framework f = Framework.parse(i.path("framework").asText(""));
      if (f == null) {
        continue;
      }
      String name = owner + "/" + slug + "/" + f.handle() + "/" + i.path("slug").asText();
      Map<String, Object> extras = new LinkedHashMap<>();
      if (m.has("voteCount")) {
        extras.put("votes", m.path("voteCount").asLong());
      }
      extras.put("title", m.path("title").asText(""));
      out.add(
          new ModelSummary(
              "kaggle",
              name,
              "kaggle:" + name,
              null,
              i.path("licenseName").asText(null),
              owner,
              i.path("totalUncompressedBytes").asLong(-1),
              KaggleApi.lower(f.handle()),
              updated,
              tags,
              extras));
    }
  }

  private static Instant instant(String s) {
    if (s == null || s.isBlank()) {
      return null;
    }
    try {
      return Instant.parse(s);
    } catch (RuntimeException e) {
      return null;
    }
  }
}
