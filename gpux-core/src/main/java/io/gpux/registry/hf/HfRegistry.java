package io.gpux.registry.hf;

import com.fasterxml.jackson.databind.JsonNode;
import io.gpux.error.GpuxException;
import io.gpux.ref.ModelRef;
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
import io.gpux.transfer.RegistryDigest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hugging Face Hub models: {@code hf:org/name[@revision]}, where the revision is a branch, a tag or
 * a commit and defaults to {@code main}. A pull fetches the exact commit the revision points to (so
 * a later pull of {@code main} can tell whether it moved), prefers the repository's ONNX export,
 * and verifies every file: LFS files by their sha256, the others by their git blob sha1.
 */
final class HfRegistry
    implements Registry,
        Versioned,
        Searchable,
        io.gpux.registry.Tracking,
        io.gpux.registry.CollectionSource {
  /** What the Hub's {@code sha} always is: a git commit id. */
  private static final java.util.regex.Pattern COMMIT =
      java.util.regex.Pattern.compile("[0-9a-f]{40}");

  private final HfApi api;

  HfRegistry(HfApi api) {
    this.api = api;
  }

  @Override
  public String name() {
    return "hf";
  }

  @Override
  public String accessHint() {
    return "set HF_TOKEN (or run `gpux login hf`) for an account that may read this model; a gated model needs access granted on its page";
  }

  @Override
  public ResolvedModel resolve(ModelRef ref, PullOptions options) {
    String revision = ref.qualifier() == null ? "main" : ref.qualifier();
    return resolve(ref, options, api.modelInfo(ref.name(), revision));
  }

  /** {@link #resolve} from the revision's {@code model_info}, already fetched. */
  private ResolvedModel resolve(ModelRef ref, PullOptions options, JsonNode info) {
    String repo = ref.name();
    String revision = ref.qualifier() == null ? "main" : ref.qualifier();
    String commit = commit(repo, revision, info);
    JsonNode gated = info.path("gated");
    if (gated.isTextual() && api.token().isEmpty()) {
      // The Hub serves a gated model's metadata to anyone but its files only to granted accounts.
      throw GpuxException.invalidInput(
          "hf:" + repo + " is gated: its files need an account that accepted its terms",
          "accept them at "
              + api.endpoint()
              + "/"
              + repo
              + ", then set HF_TOKEN or run `gpux login hf`");
    }
    Map<String, JsonNode> listing = listing(repo, commit, info);
    String display = "hf:" + repo + "@" + revision;
    TransformersFiles transformers = TransformersFiles.of(new ArrayList<>(listing.keySet()));
    if (transformers != null && options.include().isEmpty()) {
      List<String> picked = transformers.choose(display, options);
      List<RemoteFile> files = new ArrayList<>();
      for (String path : picked) {
        files.add(remoteFile(repo, commit, path, listing.get(path)));
      }
      return new ResolvedModel(
          "hf",
          repo,
          commit,
          revision,
          api.endpoint() + "/" + repo,
          files,
          lineage(repo, commit, revision, info),
          new io.gpux.registry.Conversion(
              "transformers", "Transformers", display, null, parameters(options, info)));
    }
    List<String> chosen =
        OnnxFileChoice.choose(
            "hf:" + repo + "@" + revision,
            new ArrayList<>(listing.keySet()),
            options.variant(),
            options.include(),
            options.exclude());
    List<RemoteFile> files = new ArrayList<>();
    for (String path : chosen) {
      files.add(remoteFile(repo, commit, path, listing.get(path)));
    }
    return new ResolvedModel(
        "hf",
        repo,
        commit,
        revision,
        api.endpoint() + "/" + repo,
        files,
        lineage(repo, commit, revision, info));
  }

  /** What the converter needs beyond the files: trust, the task asked for, the declared one. */
  private static Map<String, String> parameters(PullOptions options, JsonNode info) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put(io.gpux.registry.Conversion.PARAM_TRUSTED, String.valueOf(options.trust()));
    if (options.task() != null) {
      p.put(io.gpux.registry.Conversion.PARAM_TASK, options.task());
    }
    if (info.path("pipeline_tag").isTextual()) {
      p.put(io.gpux.registry.Conversion.PARAM_DECLARED_TASK, info.path("pipeline_tag").asText());
    }
    return p;
  }

  /** The commit a {@code model_info} names: only a real commit id goes into file URLs. */
  private String commit(String repo, String revision, JsonNode info) {
    String commit = info.path("sha").isTextual() ? info.path("sha").asText() : null;
    if (commit == null) {
      throw GpuxException.unavailable(
          "the Hub did not say which commit hf:" + repo + "@" + revision + " is",
          "check HF_ENDPOINT points at a Hugging Face Hub");
    }
    if (!COMMIT.matcher(commit).matches()) {
      // It goes into every file's URL, with the token: only a real commit id is used.
      throw GpuxException.unavailable(
          "the Hub at "
              + api.endpoint()
              + " answered that hf:"
              + repo
              + "@"
              + revision
              + " is commit '"
              + printable(commit)
              + "', which is not a commit id (40 hex digits)",
          "check HF_ENDPOINT points at a Hugging Face Hub; nothing was downloaded");
    }
    return commit;
  }

  /**
   * Every file of the commit with its size and digests: {@code siblings}, else the tree listing.
   */
  private Map<String, JsonNode> listing(String repo, String commit, JsonNode info) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    JsonNode siblings = info.path("siblings");
    boolean sized = siblings.isArray() && !siblings.isEmpty();
    for (JsonNode s : siblings) {
      sized &= s.has("size");
    }
    if (sized) {
      for (JsonNode s : siblings) {
        out.put(s.path("rfilename").asText(), s);
      }
      return out;
    }
    for (JsonNode item : api.tree(repo, commit)) {
      if ("file".equals(item.path("type").asText())) {
        out.put(item.path("path").asText(), item);
      }
    }
    return out;
  }

  private RemoteFile remoteFile(String repo, String commit, String path, JsonNode entry) {
    long size = entry.path("size").asLong(-1);
    JsonNode lfs = entry.path("lfs");
    String sha256 = null;
    RegistryDigest digest = null;
    if (lfs.isObject()) {
      // siblings call it sha256, the tree listing oid: both are the content's sha256.
      sha256 = lfs.has("sha256") ? lfs.path("sha256").asText() : lfs.path("oid").asText(null);
      size = lfs.path("size").asLong(size);
    } else {
      String blob =
          entry.has("blobId") ? entry.path("blobId").asText() : entry.path("oid").asText(null);
      if (blob != null && blob.matches("[0-9a-f]{40}")) {
        digest = new RegistryDigest(RegistryDigest.Algorithm.GIT_BLOB_SHA1, blob);
      }
    }
    return new RemoteFile(path, size, sha256, digest, api.download(repo, commit, path));
  }

  private Map<String, String> lineage(String repo, String commit, String revision, JsonNode info) {
    Map<String, String> out = new LinkedHashMap<>();
    out.put("registry", "hf");
    out.put("endpoint", api.endpoint());
    out.put("repo", repo);
    out.put("commit", commit);
    out.put("revision", revision);
    io.gpux.registry.Lineage.putText(out, "pipeline_tag", info.path("pipeline_tag"));
    io.gpux.registry.Lineage.putText(out, "library_name", info.path("library_name"));
    io.gpux.registry.Lineage.putText(out, "last_modified", info.path("lastModified"));
    io.gpux.registry.Lineage.putText(out, "author", info.path("author"));
    String license = info.path("cardData").path("license").asText(null);
    for (JsonNode tag : info.path("tags")) {
      if (license == null && tag.asText().startsWith("license:")) {
        license = tag.asText().substring("license:".length());
      }
    }
    if (license != null) {
      out.put("license", license);
    }
    return out;
  }

  private static String printable(String s) {
    StringBuilder sb = new StringBuilder();
    for (char c : s.toCharArray()) {
      sb.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
    }
    return sb.toString();
  }

  @Override
  public List<DerivedFile> derive(ResolvedModel model, Map<String, Path> files) {
    // A repository that brings its own project file keeps it.
    return DerivedFile.generatedProject(
        model,
        files,
        "Hugging Face",
        "hf:" + model.name() + "@" + model.version(),
        "generated from the ONNX signature and config.json");
  }

  @Override
  public ModelRef movable(String name, String requested, Map<String, String> lineage) {
    return new ModelRef("hf", name, requested, null);
  }

  /**
   * A resolve is already metadata only on the Hub: one {@code model_info} call with {@code
   * blobs=True} lists every file of the commit with its size and digest (the tree listing only when
   * a Hub leaves the sizes out), so a head is that call, whatever the version.
   */
  @Override
  public io.gpux.registry.RemoteHead head(
      ModelRef movable, PullOptions options, String localVersion) {
    String revision = movable.qualifier() == null ? "main" : movable.qualifier();
    JsonNode info = api.modelInfo(movable.name(), revision);
    String commit = commit(movable.name(), revision, info);
    if (commit.equals(localVersion)) {
      return new io.gpux.registry.RemoteHead(commit, null);
    }
    ResolvedModel m = resolve(movable, options, info);
    return new io.gpux.registry.RemoteHead(m.version(), m.files());
  }

  /** How far back {@code gpux versions} lists the default branch's history. */
  static final int HISTORY = 100;

  /**
   * The commits of the default branch, newest first (up to {@link #HISTORY}), each with the
   * branches and tags pointing at it and its date; then the heads of other branches and tags that
   * are not in that history. The Hub's listings carry no sizes.
   */
  @Override
  public List<RemoteVersion> versions(ModelRef ref) {
    JsonNode refs = api.refs(ref.name());
    Map<String, List<String>> byCommit = new LinkedHashMap<>();
    String defaultBranch = null;
    for (String kind : new String[] {"branches", "tags"}) {
      for (JsonNode r : refs.path(kind)) {
        String name = r.path("name").asText();
        byCommit.computeIfAbsent(r.path("targetCommit").asText(), k -> new ArrayList<>()).add(name);
        if (kind.equals("branches") && (defaultBranch == null || name.equals("main"))) {
          defaultBranch = name;
        }
      }
    }
    List<RemoteVersion> out = new ArrayList<>();
    java.util.Set<String> listed = new java.util.HashSet<>();
    if (defaultBranch != null) {
      for (JsonNode c : api.commits(ref.name(), defaultBranch, HISTORY)) {
        String sha = c.path("id").asText();
        listed.add(sha);
        out.add(
            new RemoteVersion(
                sha,
                byCommit.getOrDefault(sha, List.of()),
                instant(c.path("date").asText(null)),
                c.path("title").asText("").isEmpty() ? null : c.path("title").asText()));
      }
    }
    byCommit.forEach(
        (commit, names) -> {
          if (!listed.contains(commit)) {
            out.add(new RemoteVersion(commit, names, null, null));
          }
        });
    return out;
  }

  private static Instant instant(String s) {
    try {
      return s == null ? null : Instant.parse(s);
    } catch (RuntimeException e) {
      return null; // a malformed date only costs the date
    }
  }

  @Override
  public List<ModelSummary> search(SearchQuery q) {
    StringBuilder query = new StringBuilder("full=false");
    add(query, "search", q.text());
    add(query, "author", q.author());
    add(query, "pipeline_tag", q.task());
    q.tags().forEach(t -> add(query, "filter", t));
    add(
        query,
        "sort",
        switch (q.sort()) {
          case DOWNLOADS -> "downloads";
          case UPDATED -> "lastModified";
          case RELEVANCE, NAME -> null; // the Hub's own order; names are sorted below
        });
    add(query, "limit", Integer.toString(q.limit()));
    List<ModelSummary> out = new ArrayList<>();
    for (JsonNode m : api.listModels(query.toString(), q.limit())) {
      List<String> tags = new ArrayList<>();
      String license = null;
      for (JsonNode t : m.path("tags")) {
        tags.add(t.asText());
        if (license == null && t.asText().startsWith("license:")) {
          license = t.asText().substring("license:".length());
        }
      }
      Instant updated = null;
      try {
        updated = m.has("lastModified") ? Instant.parse(m.path("lastModified").asText()) : null;
      } catch (RuntimeException ignored) {
        // A malformed date only costs the date.
      }
      String id = m.path("id").asText();
      String author =
          m.path("author").asText(id.contains("/") ? id.substring(0, id.indexOf('/')) : null);
      out.add(
          new ModelSummary(
              "hf",
              id,
              "hf:" + id,
              m.path("pipeline_tag").asText(null),
              license,
              author,
              -1,
              tags.contains("onnx") ? "onnx" : null,
              updated,
              tags,
              Map.of(
                  ModelSummary.DOWNLOADS,
                  m.path("downloads").asLong(0),
                  ModelSummary.LIKES,
                  m.path("likes").asLong(0))));
    }
    if (q.sort() == SearchQuery.Sort.NAME) {
      out.sort(java.util.Comparator.comparing(ModelSummary::name));
    }
    return out;
  }

  private static void add(StringBuilder q, String key, String value) {
    if (value != null && !value.isBlank()) {
      q.append('&')
          .append(key)
          .append('=')
          .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
    }
  }

  /** {@code hf:collections/OWNER/SLUG}: the models of a Hub collection, in its order. */
  @Override
  public RemoteCollection collection(String path) {
    String[] parts = path.split("/");
    if (parts.length != 3 || !parts[0].equals("collections")) {
      throw GpuxException.invalidInput(
          "'" + path + "' is not a Hub collection",
          "name it hf:collections/OWNER/SLUG, as in its URL on the Hub");
    }
    JsonNode c = api.collection(parts[1], parts[2]);
    java.util.List<Item> models = new java.util.ArrayList<>();
    java.util.List<JsonNode> items = new java.util.ArrayList<>();
    c.path("items").forEach(items::add);
    items.sort(java.util.Comparator.comparingInt(n -> n.path("position").asInt(0)));
    for (JsonNode item : items) {
      if (item.path("type").asText().equals("model") && item.path("id").isTextual()) {
        String note = item.path("note").path("text").asText(null);
        models.add(new Item("hf:" + item.path("id").asText(), note));
      }
    }
    return new RemoteCollection(
        c.path("title").asText(parts[2]), c.path("description").asText(null), models);
  }
}
