package io.gpux.testing.hf;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The model objects of {@code /api/models} and {@code /api/models/{id}}, keyed as the Hub keys them
 * (a mix of camelCase and snake_case that {@code ModelInfo} reads as is).
 */
final class ModelJson {
  /** {@code parse_datetime} accepts only this shape: milliseconds and a literal Z. */
  private static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  /** What {@code expand=} may ask for ({@code ExpandModelProperty_T} of the client). */
  static final Set<String> EXPANDABLE =
      Set.of(
          "author",
          "baseModels",
          "cardData",
          "childrenModelCount",
          "config",
          "createdAt",
          "disabled",
          "downloads",
          "downloadsAllTime",
          "evalResults",
          "gated",
          "gguf",
          "inference",
          "inferenceProviderMapping",
          "lastModified",
          "library_name",
          "likes",
          "mask_token",
          "model-index",
          "pipeline_tag",
          "private",
          "resourceGroup",
          "safetensors",
          "sha",
          "siblings",
          "spaces",
          "tags",
          "transformersInfo",
          "trendingScore",
          "usedStorage",
          "widgetData");

  /** The keys of a {@code list_models} item without {@code full} or {@code expand}. */
  private static final List<String> LIST_KEYS =
      List.of(
          "_id",
          "id",
          "likes",
          "trendingScore",
          "private",
          "downloads",
          "tags",
          "pipeline_tag",
          "library_name",
          "createdAt",
          "modelId");

  private static final List<String> FULL_KEYS =
      List.of("author", "sha", "lastModified", "gated", "disabled", "siblings");

  private ModelJson() {}

  static String date(Instant at) {
    return DATE.format(at);
  }

  /** Everything the fake knows about a model at one commit. */
  static Map<String, Object> info(FakeRepo repo, String sha, boolean blobs) {
    FakeRepo.Card card = repo.card();
    Commit commit = repo.commitAt(sha);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("_id", mongoId(repo.id()));
    m.put("id", repo.id());
    m.put("modelId", repo.id());
    m.put("author", repo.id().substring(0, repo.id().indexOf('/')));
    m.put("sha", sha);
    m.put("lastModified", date(card.lastModified()));
    m.put("createdAt", date(card.createdAt()));
    m.put("private", card.isPrivate());
    m.put("gated", card.gated() == null ? (Object) Boolean.FALSE : card.gated());
    m.put("disabled", false);
    m.put("downloads", card.downloads());
    m.put("downloadsAllTime", card.downloads());
    m.put("likes", card.likes());
    m.put("trendingScore", 0);
    if (card.libraryName() != null) {
      m.put("library_name", card.libraryName());
    }
    if (card.pipelineTag() != null) {
      m.put("pipeline_tag", card.pipelineTag());
    }
    m.put("tags", card.tags());
    if (card.cardDataJson() != null) {
      m.put("cardData", new Json.Raw(card.cardDataJson()));
    }
    if (card.configJson() != null) {
      m.put("config", new Json.Raw(card.configJson()));
    }
    m.put("siblings", siblings(commit, blobs));
    m.put("spaces", List.of());
    m.put("usedStorage", commit.files().values().stream().mapToLong(HubFile::size).sum());
    return m;
  }

  /** {@code ?expand=a&expand=b}: only {@code _id}, {@code id} and what was asked for. */
  static Map<String, Object> expanded(Map<String, Object> info, List<String> expand) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("_id", info.get("_id"));
    m.put("id", info.get("id"));
    for (String key : expand) {
      if (info.containsKey(key)) {
        m.put(key, info.get(key));
      }
    }
    return m;
  }

  /** A {@code list_models} item: a few keys, more with {@code full}, config or cardData. */
  static Map<String, Object> listItem(Map<String, Object> info, Query q) {
    if (q.has("expand")) {
      return expanded(info, q.all("expand"));
    }
    Map<String, Object> m = new LinkedHashMap<>();
    List<String> keys = new ArrayList<>(LIST_KEYS);
    if (q.flag("full")) {
      keys.addAll(FULL_KEYS);
    }
    if (q.flag("config")) {
      keys.add("config");
    }
    if (q.flag("cardData") || q.flag("full")) {
      keys.add("cardData");
    }
    for (String key : keys) {
      if (info.containsKey(key)) {
        Object v = info.get(key);
        m.put(key, key.equals("siblings") ? withoutBlobs(v) : v);
      }
    }
    return m;
  }

  private static List<Object> siblings(Commit commit, boolean blobs) {
    List<Object> out = new ArrayList<>();
    for (HubFile f : commit.files().values()) {
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("rfilename", f.path());
      if (blobs) {
        s.put("size", f.size());
        s.put("blobId", f.blobId());
        if (f.lfs()) {
          // Here the LFS digest is "sha256"; the tree listing calls it "oid".
          Map<String, Object> lfs = new LinkedHashMap<>();
          lfs.put("size", f.size());
          lfs.put("sha256", f.sha256());
          lfs.put("pointerSize", f.pointerSize());
          s.put("lfs", lfs);
        }
      }
      out.add(s);
    }
    return out;
  }

  private static Object withoutBlobs(Object siblings) {
    List<Object> out = new ArrayList<>();
    for (Object s : (List<?>) siblings) {
      out.add(Map.of("rfilename", ((Map<?, ?>) s).get("rfilename")));
    }
    return out;
  }

  /** The Hub's ids are 24-hex Mongo object ids; derive a stable one from the repo id. */
  private static String mongoId(String repoId) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-1").digest(repoId.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d).substring(0, 24);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
